(print (io.read))
(print (io.read :n :n))
(print (io.read :L))
(each [line (io.lines)]
  (print (.. "[" line "]")))
(print (io.read) (io.read :a))
