(each [x] (print x))
