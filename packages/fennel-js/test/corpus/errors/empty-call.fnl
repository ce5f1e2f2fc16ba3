(print 1)
()
