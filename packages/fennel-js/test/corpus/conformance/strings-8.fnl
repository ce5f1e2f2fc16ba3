(print "a]]b" "[[c]]" "]=]")
(print (.. "x" (string.rep "y" 200) "z"))
(print "\\]]")
