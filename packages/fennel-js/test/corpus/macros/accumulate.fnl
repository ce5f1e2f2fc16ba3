;; accumulate folds over an iterator, faccumulate over a numeric range.
(print (accumulate [sum 0 i n (ipairs [10 20 30 40])] (+ sum n)))
(print (accumulate [s "" _ w (ipairs [:a :b :c])] (.. s w)))
(print (accumulate [total 0 _ n (pairs {:apple 2 :orange 3})] (+ total n)))
(print (accumulate [(lo hi) (values math.huge (- math.huge))
                    _ n (ipairs [3 9 1 4])]
         (values (math.min lo n) (math.max hi n))))
(print (accumulate [x 0 _ n (ipairs [1 2 3 4 5]) &until (> x 5)] (+ x n)))
(print (accumulate [acc :init _ _ (ipairs [])] :changed))
(print (faccumulate [n 0 i 1 5] (+ n i)))
(print (faccumulate [n 1 i 1 5] (* n i)))
(print (faccumulate [s "" i 10 1 -3] (.. s i ",")))
(print (faccumulate [n 0 i 1 100 &until (>= n 10)] (+ n i)))
(print (faccumulate [(evens odds) (values 0 0) i 1 5]
         (if (= 0 (% i 2)) (values (+ evens 1) odds) (values evens (+ odds 1)))))
(local found (accumulate [hit nil _ v (ipairs [:a :bb :ccc]) &until hit]
               (if (= 2 (length v)) v)))
(print found)
