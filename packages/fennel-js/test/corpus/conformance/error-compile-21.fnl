(local x 1)
(local y (x.y.z 1))
(print y)
(global foo bar)
