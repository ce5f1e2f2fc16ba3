(error {:not "a string"})
