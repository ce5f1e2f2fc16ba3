(print "x")
(local s "crlf string
line")
(print (length s))
