;; Upstream pipelines print tables with fennel.view. The fennel table a
;; pipeline sees has view and other pure functions, and nothing that reads
;; files or loads code.
(local ci (require :quire.ci))
(local required (require :fennel))

(ci.job :show [:quire/push]
  (fn [{: jobs : log : write-file}]
    (let [push (jobs :quire/push)]
      (print (fennel.view {:branch push.branch :files push.files-changed}))
      (log (required.view [1 2 {:three 3}]))
      (write-file "missing.txt"
                  (table.concat (icollect [_ name (ipairs [:eval :dofile :load-code :compile-string :search-module :searcher :install :path])]
                                  (.. name "=" (tostring (. fennel name))))
                                " ")))))
