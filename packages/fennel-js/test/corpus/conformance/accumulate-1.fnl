(print (accumulate [sum 0 _ v (ipairs [1 2 3 4])] (+ sum v)))
(print (accumulate [s "" _ c (ipairs [:a :b :c])] (.. s c)))
(print (accumulate [(lo hi) (values 100 0) _ v (ipairs [5 3 9])] (values (math.min lo v) (math.max hi v))))
(print (accumulate [n 0 _ v (ipairs [1 2 3 4 5]) &until (> n 5)] (+ n v)))
