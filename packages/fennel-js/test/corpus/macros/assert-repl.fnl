;; assert-repl passes values through; where its condition fails, a REPL opens
;; with the locals in scope, and what its ,return gives is asserted in place.
(local fennel (require :fennel))
(fn report [ok msg] (print ok (pick-values 1 (msg:gsub "^.-:%d+: " ""))))
(set fennel.repl.onValues (fn [[v]] (print "repl:" (pick-values 1 (string.gsub (tostring v) "\n.*" "")))))
(set fennel.repl.readChunk #",return nil")
(print (assert-repl 1 "fine"))
(report (pcall #(assert-repl false "custom message")))
(report (pcall #(assert-repl nil)))
(print (assert-repl :a :b :c))
(fn check [x] (assert-repl (< x 10) (.. "too big: " x)))
(print (check 3))
(set fennel.repl.readChunk (let [inputs ["(* x 2)\n" ",return (+ x 1)\n"]] #(table.remove inputs 1)))
(print (check 30))
