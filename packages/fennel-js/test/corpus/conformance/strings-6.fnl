(print "\\x41 not escape")
(print (.. "a" "\0" "b") (length (.. "a" "\0" "b")))
(print "\226\130\172")
