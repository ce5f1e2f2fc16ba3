(print (length arg) (. arg 1))
