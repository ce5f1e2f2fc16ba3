;; The shape of upstream's worked example: one image for the pipeline, a
;; branch-gated test job, a build that reads the test's outputs, a deploy
;; gated on the build, and a tag-gated publish written against the global
;; `runtime` with a zero-argument run-fn.
(local ci (require :quire.ci))

(ci.image "debian:bookworm")

;; Test on pushes to main only.
(ci.job :test [:quire/push]
  (fn [{: jobs : sh}]
    (let [push (jobs :quire/push)]
      (when (= "main" push.branch)
        (sh ["git" "checkout" push.sha])
        (sh "grep -q 'hello' src/app.txt && echo tests passed")))))

;; Build only when the test ran and passed.
(ci.job :build [:test :quire/push]
  (fn [{: jobs : sh}]
    (let [push (jobs :quire/push)
          test (jobs :test)]
      (when (and test (= 0 test.exit))
        (sh ["git" "checkout" push.sha])
        (let [r (sh "mkdir -p target/release && cp src/app.txt target/release/app")]
          {:exit r.exit
           :artifacts ["target/release/app"]})))))

;; Deploy what the build made.
(ci.job :deploy [:build]
  (fn [{: jobs : sh}]
    (let [build (jobs :build)]
      (when build
        (sh (.. "cp " (. build.artifacts 1) " deployed.txt"))))))

;; Tagged releases only: this push is not a tag, so nothing runs.
(ci.job :publish [:quire/push]
  (fn []
    (let [push (runtime.jobs :quire/push)]
      (when (and push.tag (string.match push.tag "^v"))
        (runtime.sh ["git" "checkout" push.tag])
        (runtime.sh "touch published.txt")))))
