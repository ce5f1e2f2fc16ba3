(while)
