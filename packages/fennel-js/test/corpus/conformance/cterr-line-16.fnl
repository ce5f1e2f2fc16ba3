(print (.. "a" ...))
(fn h [] (print "x"))
