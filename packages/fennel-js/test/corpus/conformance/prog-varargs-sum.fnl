(fn sum [...]
  (var total 0)
  (for [i 1 (select "#" ...)]
    (set total (+ total (or (select i ...) 0))))
  total)
(print (sum) (sum 1) (sum 1 2 3) (sum 1 nil 3) (sum 1.5 2.5))
