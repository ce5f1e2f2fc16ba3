(local x 1)
(fn x.y [] 1)
