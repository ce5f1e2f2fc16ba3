(print "bad \q escape")
