(print ...)
(print (select "#" ...))
(local [a b] [...])
(print a b)
