;; The shape of upstream quire's own pipeline: the job is commented out, so
;; nothing is registered, and every push must still be a successful run.
(local {: job} (require :quire.ci))

; (job :check [:quire/push] (fn [{: sh}] (sh [:make :check])))
