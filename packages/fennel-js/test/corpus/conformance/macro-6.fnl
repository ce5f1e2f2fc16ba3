(macro bad [x] (assert-compile false "custom macro error" x))
(print "start")
(bad 5)
