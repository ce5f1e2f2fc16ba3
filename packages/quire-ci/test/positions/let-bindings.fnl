(local ci (require :quire.ci))
(ci.job :a [:quire/push]
  (fn [] (let [x] 1)))
