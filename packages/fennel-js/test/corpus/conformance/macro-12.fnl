(macro ast-line [x] (. (ast-source x) :line))
(print (ast-line (foo)))
(print
  (ast-line (bar)))
(macro ver [] (type version))
(print (ver))
