(fn f [] (print "in f") (g))
