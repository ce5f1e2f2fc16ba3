(print 'sym)
