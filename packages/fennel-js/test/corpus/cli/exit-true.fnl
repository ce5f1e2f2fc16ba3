(print "done")
(os.exit true)
(print "not reached")
