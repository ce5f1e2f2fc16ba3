(print (comment a b) 1)
