(print `(a b))
