(var x 1)
(local y x)
(set y 2)
