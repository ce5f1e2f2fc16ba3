(print "bom")
