(local l (lambda [a b] (+ a b)))
(l 1 nil)
