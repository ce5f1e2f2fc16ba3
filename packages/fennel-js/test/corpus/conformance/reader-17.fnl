(print a.b:c)
