(fn f [x]
  (match x
    1 :one
    2))
