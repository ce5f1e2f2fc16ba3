(print (. (accumulate [t {} k v (pairs {:a 1})] (doto t (tset v k))) 1))
(print (accumulate [acc nil _ v (ipairs [1 2])] v))
(print (accumulate [m 0 _ v (ipairs [])] (+ m v)))
