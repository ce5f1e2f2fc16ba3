(fn [a a] a)
(print "dup params ok")
