(fn classify [n]
  (if (= n 0) "zero"
      (< n 0) "neg"
      "pos"))
(print (classify 0) (classify -1) (classify 1))
(print (if (values false true) :a :b))
(local r (if true (values 1 2) 3))
(print r)
(print (if true (values 1 2)))
