(fn f [] (tail! (print 1)) 2)
