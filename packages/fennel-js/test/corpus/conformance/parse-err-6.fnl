(print "unterminated
over lines
