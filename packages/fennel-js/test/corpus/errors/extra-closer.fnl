(print 1))
