(print "never closed)
(print 2)
