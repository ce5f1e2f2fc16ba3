(fn f [x] x)
(set f (fn [x] (* x 2)))
