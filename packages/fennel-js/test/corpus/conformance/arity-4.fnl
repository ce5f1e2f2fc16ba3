(set x)
