(let [p (io.popen "echo hello; echo world; exit 3")]
  (print (p:read :l))
  (print (p:read :a))
  (print (p:close)))
(let [w (io.popen "tr a-z A-Z" :w)]
  (w:write "shout\n")
  (print "before close")
  (print (w:close)))
(print (io.type (io.popen "true")))
