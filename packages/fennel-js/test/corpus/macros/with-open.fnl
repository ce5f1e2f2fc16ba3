;; with-open closes every binding, last first, after the body or an error.
(fn handle [name log]
  {:name name
   :close (fn [self] (table.insert log (.. "close " self.name)))})
(local log [])
(fn run []
  (with-open [a (handle :a log) b (handle :b log)]
    (table.insert log "body")
    (values 1 2)))
(print (run))
(print (table.concat log ","))
(local log2 [])
(local (ok err) (pcall (fn [] (with-open [h (handle :h log2)] (error {:code 42})))))
(print ok err.code (table.concat log2 ","))
(local (ok2 err2) (pcall (fn [] (with-open [h (handle :s log2)] (error "boom")))))
(print ok2 (err2:match "boom") (. log2 2))
(local log3 [])
(print (with-open [h (handle :single log3)] :result) (. log3 1))
(fn nothing [] (with-open [h (handle :empty log3)]))
(print (select :# (nothing)) (. log3 2))
