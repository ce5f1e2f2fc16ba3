(not)
