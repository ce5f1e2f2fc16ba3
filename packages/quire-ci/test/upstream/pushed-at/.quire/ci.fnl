;; :quire/push carries pushed-at, an RFC 3339 time, as upstream's does.
(local {: job} (require :quire.ci))

(job :stamp [:quire/push]
  (fn [{: jobs : write-file}]
    (let [push (jobs :quire/push)]
      (write-file "pushed-at.txt" push.pushed-at))))
