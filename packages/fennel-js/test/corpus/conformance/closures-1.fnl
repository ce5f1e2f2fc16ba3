(fn make-counter []
  (var n 0)
  (fn [] (set n (+ n 1)) n))
(local c1 (make-counter))
(local c2 (make-counter))
(print (c1) (c1) (c2) (c1))
(local fns (icollect [i (ipairs [1 2 3])] (fn [] i)))
(print ((. fns 1)) ((. fns 3)))
