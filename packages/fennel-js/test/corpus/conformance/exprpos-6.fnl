(print (macro m [] 1))
