(local ci (require :quire.ci))
(ci.job :a [:quire/push]
  (fn [] (+ 1 undefined-thing)))
