(print "a")
(local t nil)
(print (. t :x))
