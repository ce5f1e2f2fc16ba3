(fn validate [x]
  (assert (= (type x) :number) "expected a number"))
(validate 1)
(validate "two")
