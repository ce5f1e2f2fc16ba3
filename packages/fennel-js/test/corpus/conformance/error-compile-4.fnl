(print "x"))
