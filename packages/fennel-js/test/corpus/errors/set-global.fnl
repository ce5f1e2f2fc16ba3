(global g 1)
(set g 2)
