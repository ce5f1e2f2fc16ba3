(print (global z 1))
