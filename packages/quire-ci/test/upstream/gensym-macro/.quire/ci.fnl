;; A macro whose template uses an auto-gensym in a multisym (push#.branch),
;; as upstream pipelines write them.
(local ci (require :quire.ci))

(macro on-branch [b ...]
  `(let [push# (runtime.jobs :quire/push)]
     (when (= push#.branch ,b)
       ,...)))

(ci.job :main-only [:quire/push]
  (fn [{: write-file}]
    (on-branch "main" (write-file "ran.txt" "main"))))
