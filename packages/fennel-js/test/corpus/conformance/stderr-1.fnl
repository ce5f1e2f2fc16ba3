(io.stderr:write "to stderr\n")
(print "to stdout")
