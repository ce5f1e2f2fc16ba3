(print "a")
(fn f []
  (print 1)
