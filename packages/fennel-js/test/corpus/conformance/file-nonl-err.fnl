(print "a"
(print "b")