(print "plain" :keyword "tab\there" "nl\\n" "quote\"d")
(print "a\nb")
(print "\65\066\x43" "\u{48}\u{49}" "caf\u{E9}")
(print "skip \z
       spaces")
(print "line1
line2")
(print (length "\xff\xfe") (string.byte "\255"))
(print "\a\b\f\v\r" :done)
(print (.. :a "-" :b.c "-" :x:y))
(print "semi ; inside" "paren ( inside")
