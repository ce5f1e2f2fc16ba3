(print (type (os.time)) (type (os.clock)) (type (os.date "%Y")))
(print (os.getenv "FENNEL_JS_SURELY_UNSET_VARIABLE"))
(print (os.execute))
(print (os.date "!%Y-%m-%d %H:%M:%S" 86400))
