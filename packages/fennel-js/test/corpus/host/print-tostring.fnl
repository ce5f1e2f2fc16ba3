(local point (setmetatable {:x 1 :y 2}
                           {:__tostring (fn [p] (.. "(" p.x ", " p.y ")"))}))
(print point)
(print "a" nil "b")
(print)
(print (select "#" (print "inner")))
