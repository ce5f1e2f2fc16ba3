(tset)
