(fn a [] (error "inner failure"))
(fn b [] (a))
(fn c []
  (b)
  (print "unreached"))
(c)
