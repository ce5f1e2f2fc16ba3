(print "\"" "\\" "\n" "\t")
(print (length "\n") (length "\\n"))
(print "a\
multi")
(print "\x41\u{42}\67")
(print "tab	literal")
