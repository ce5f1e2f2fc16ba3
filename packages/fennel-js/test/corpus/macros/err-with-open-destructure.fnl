;; with-open binds plain names only
(with-open [[f] [(io.open "x")]]
  (print f))
