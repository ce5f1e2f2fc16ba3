(local q '[1 2 {:a "x"}])
(print (length q) (. q 3 :a))
(print (quote "str") (quote 42) (quote nil) (quote true))
