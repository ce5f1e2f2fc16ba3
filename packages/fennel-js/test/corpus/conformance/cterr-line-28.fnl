(tail! (print 1))
