(fn range [n] (var i 0) (fn [] (when (< i n) (set i (+ i 1)) i)))
(print (accumulate [acc 0 x (range 5)] (+ acc x)))
(print (table.concat (icollect [x (range 4)] (* x x)) ","))
