(print _1)
