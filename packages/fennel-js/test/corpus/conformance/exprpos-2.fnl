(print (local x 1))
