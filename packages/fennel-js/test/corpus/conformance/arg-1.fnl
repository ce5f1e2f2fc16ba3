(print (length arg))
(for [i 1 (length arg)] (print i (. arg i)))
(print (. arg 0))
