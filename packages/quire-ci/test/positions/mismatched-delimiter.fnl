(local ci (require :quire.ci))
  (print [1 2 }
