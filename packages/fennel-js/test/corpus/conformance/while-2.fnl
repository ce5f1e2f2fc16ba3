(var i 0)
(while true
  (set i (+ i 1))
  (when (> i 3) (lua "break")))
(print i)
(var j 0)
(while (< j 5) (set j (+ j 2)))
(print j)
