(print "ok")
(let [x 1]
  (print x)
