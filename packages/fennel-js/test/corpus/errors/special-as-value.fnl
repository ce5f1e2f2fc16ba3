(print (type if))
