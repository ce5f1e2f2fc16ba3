;; Upstream pipelines require quire.stdlib (a module of run-fn helpers).
(local ci (require :quire.ci))
(local stdlib (require :quire.stdlib))

(ci.job :uses-stdlib [:quire/push]
  (fn [{: write-file}]
    (write-file "stdlib.txt" (type stdlib))))
