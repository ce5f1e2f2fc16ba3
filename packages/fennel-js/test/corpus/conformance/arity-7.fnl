(length)
