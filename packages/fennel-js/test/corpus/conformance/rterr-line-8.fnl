(fn f [] (error "level two" 2))
(fn g []
  (f))
(g)
