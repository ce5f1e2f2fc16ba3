(not 1 2)
