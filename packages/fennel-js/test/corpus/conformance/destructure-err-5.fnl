(fn f [a.b] a)
