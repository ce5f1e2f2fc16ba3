(local "str" 1)
