(print .inf -.inf)
(print (= .inf (/ 1 0)))
(print (not= .nan .nan))
