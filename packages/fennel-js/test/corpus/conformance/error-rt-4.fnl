(fn f [x] (+ x 1))
(f "not a number")
