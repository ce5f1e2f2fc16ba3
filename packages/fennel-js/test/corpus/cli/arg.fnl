(print (. arg 0))
(print (length arg))
(for [i 1 (length arg)]
  (print i (. arg i)))
(print (select "#" ...) ...)
(print (type (. arg -1)))
