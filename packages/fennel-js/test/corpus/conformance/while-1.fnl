(var i 0)
(while (< i 3) (print i) (set i (+ i 1)))
(var n 10)
(while (do (set n (- n 3)) (> n 0)) (print :n n))
