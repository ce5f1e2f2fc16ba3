(print (faccumulate [acc 1 i 1 5] (* acc i)))
(print (faccumulate [acc 0 i 1 10 2] (+ acc i)))
(print (faccumulate [acc 0 i 1 0] (+ acc i)))
