(print (pick-values -1 1))
