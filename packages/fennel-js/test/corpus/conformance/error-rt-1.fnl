(print "start")
(error "boom")
