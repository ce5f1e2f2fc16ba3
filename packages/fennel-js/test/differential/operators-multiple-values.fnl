;; Operators over a call that returns several values: arithmetic and not take
;; the first; and/or with one operand give every value of it; with more
;; operands each is one value.
(fn f [] (values 1 2 3))
(fn g [] (values false :x))
(print (+ (f)) (* (f)) (- (f)) (not (g)))
(print (select :# (+ (f))) (select :# (not (g))))
(print (select :# (and (f))) (select :# (or (f))) (and (f)))
(print (select :# (and (f) (f))) (select :# (or (g) (g))) (or (g) (f)))
(local t [(and (f))])
(print (length t))
