(fn f [n] (if (> n 0) (f (- n 1)) :bottom))
(print (f 200000))
(fn g [n] (when (> n 0) (g (- n 1))))
(print (g 200000))
