(local ci (require :quire.ci))
(fn f [a b]
  (if a))
