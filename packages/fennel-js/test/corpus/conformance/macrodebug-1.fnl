(macro m [x] `(+ ,x ,x))
(macrodebug (m 3))
(macrodebug (-> 1 (f 2) (g)))
(print (macrodebug (when a b) true))
