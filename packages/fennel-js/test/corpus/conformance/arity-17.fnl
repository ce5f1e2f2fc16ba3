(global x)
