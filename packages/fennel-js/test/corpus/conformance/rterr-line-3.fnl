(print "line 1")
(print "line 2")
(local data {:a 1})
(print data.b.c)
