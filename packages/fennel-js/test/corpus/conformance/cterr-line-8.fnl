(set (. {} :a) 1)
(print "fine")
(set nope 2)
