(local [a b] nil)
(print a)
