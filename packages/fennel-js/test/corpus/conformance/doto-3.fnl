(local t (doto [] (table.insert :a) (table.insert :b)))
(print (length t))
(print (doto :x))
