(macro unless [c ...] `(if (not ,c) (do ,...)))
(print "runtime first?")
(macrodebug (unless x (print 1)))
(print (macrodebug (unless y 2) true))
