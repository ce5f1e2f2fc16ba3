(fn f [] (tail! 1))
