(print a..b)
