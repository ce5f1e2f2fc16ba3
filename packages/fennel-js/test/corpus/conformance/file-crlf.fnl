(print "crlf")
(print (+ 1
 2))
