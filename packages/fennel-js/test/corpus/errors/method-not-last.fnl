(a:b.c)
