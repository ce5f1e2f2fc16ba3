(local fennel (require :fennel))
(each [ok ast (fennel.parser "(+ 1 2) [a :b {:c d}] ... \"s\" 3.5 nil")]
  (print ok (fennel.view ast) (fennel.list? ast) (fennel.sym? ast)))
(local p (fennel.parser (fennel.string-stream "(print :hi) x.y")))
(print (fennel.view (select 2 (p))) (fennel.view (select 2 (p))) (p))
(print (pcall #(icollect [_ f (fennel.parser "(oops")] f)))
(let [(_ ast) ((fennel.parser "(fn f [x] (* x 2))"))]
  (print (tostring (. ast 1)) (length ast) (fennel.view (. ast 3))))
