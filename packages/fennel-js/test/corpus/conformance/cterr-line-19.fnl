(print (?.))
