(fn f [] (print ...))
