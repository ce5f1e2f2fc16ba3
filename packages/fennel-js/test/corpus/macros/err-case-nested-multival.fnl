;; multi-value patterns cannot be nested in tables
(print (case [1 2] [(a b)] a))
