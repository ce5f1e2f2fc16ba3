(print ,x)
