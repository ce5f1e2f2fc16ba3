(fn f [a]
  (+ a
     b))
