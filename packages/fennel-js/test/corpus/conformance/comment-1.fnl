(comment this is ignored (print "no"))
(print (comment anything))
(print "after")
;; a line comment
(print 1) ; trailing
