;; Upstream's canonical way in: the runtime as a field of quire.ci, taken
;; once at the top of the file and used inside run-fns.
(local ci (require :quire.ci))
(local rt (. (require :quire.ci) :runtime))

(ci.job :hello [:quire/push]
  (fn []
    (let [push (rt.jobs :quire/push)]
      (rt.sh ["sh" "-c" (.. "echo branch " push.branch)])
      (rt.write-file "branch.txt" push.branch))))

(ci.job :same-table [:hello]
  (fn []
    (assert (= rt ci.runtime) "ci.runtime is one table")
    (assert (= rt (require :quire.runtime)) "quire.runtime is the same table")
    ((. ci.runtime :write-file) "same.txt" "yes")))
