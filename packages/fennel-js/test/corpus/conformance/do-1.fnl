(print (do 1 2 3))
(do (local x 1) (print x))
(local y (do (var z 1) (set z (+ z 1)) z))
(print y)
