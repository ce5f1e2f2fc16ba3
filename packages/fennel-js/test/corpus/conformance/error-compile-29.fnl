(fn f [x] x)
(f 1 2 3 (undefined))
