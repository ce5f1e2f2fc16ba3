(print "x" @)
