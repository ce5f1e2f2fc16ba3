(print "a")]
