(print (type (os.time)) (type (os.clock)))
(print (os.date "!%Y-%m-%d" 0))
(print (os.getenv "THIS_VAR_DOES_NOT_EXIST"))
