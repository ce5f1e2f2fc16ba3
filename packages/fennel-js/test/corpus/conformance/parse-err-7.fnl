(print :ok)
(foo :a.b: 1)
