(print (. arg 1) (. arg 2) (length arg))
