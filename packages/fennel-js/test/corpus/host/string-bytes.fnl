(print "ok")
(print (string.char 200 201))
(io.write "\255" "\n")
