(print "multi
line string")
(print "a\
b")
(print :colon-string :with.dot :sym?)
(print (.. "x" :y "z"))
(print "" (length ""))
(print "utf8: héllo wörld ☃")
(print (string.byte "A") (string.char 72 105))
