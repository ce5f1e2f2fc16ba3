(print "runtime")
(eval-compiler (print "compile time"))
