(local ci (require :quire.ci))
(local {: job} ci)
(job :a [:quire/push] (fn [] (local x)))
