(fn f [] (values 1 2))
(print
  (let [x 1]
    (foo.bar x)))
