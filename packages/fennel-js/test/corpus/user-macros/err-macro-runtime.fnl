(macro broken [] (error "macro blew up"))
(print (broken))
