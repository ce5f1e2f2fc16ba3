(print 1e)
