(print 'foo)
