(print (quote (+ 1 2)))
