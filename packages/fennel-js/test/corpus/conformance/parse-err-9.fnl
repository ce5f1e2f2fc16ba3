(print a:b.c)
