(print "\q")
