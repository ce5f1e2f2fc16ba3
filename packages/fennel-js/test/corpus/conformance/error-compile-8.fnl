(print "unterminated)
