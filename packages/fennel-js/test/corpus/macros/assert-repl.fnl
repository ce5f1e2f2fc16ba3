;; assert-repl behaves like assert when no REPL is attached.
(fn report [ok msg] (print ok (pick-values 1 (msg:gsub "^.-:%d+: " ""))))
(print (assert-repl 1 "fine"))
(report (pcall #(assert-repl false "custom message")))
(report (pcall #(assert-repl nil)))
(print (assert-repl :a :b :c))
(fn check [x] (assert-repl (< x 10) (.. "too big: " x)))
(print (check 3))
(report (pcall check 30))
