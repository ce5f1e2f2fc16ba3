(print (< 1))
