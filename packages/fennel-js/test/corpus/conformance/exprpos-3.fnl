(print (var y 1))
