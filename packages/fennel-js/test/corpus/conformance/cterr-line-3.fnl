(macro m [x] `(+ ,x undefined-in-macro))
(print 1)
(print (m 2))
