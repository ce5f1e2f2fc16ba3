(fn when [] 1)
