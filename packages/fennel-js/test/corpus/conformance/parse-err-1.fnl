(print "a")
(print "b"
