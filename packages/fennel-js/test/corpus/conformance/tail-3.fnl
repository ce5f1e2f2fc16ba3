(fn f [x] (tail! (print x)) (print "after"))
