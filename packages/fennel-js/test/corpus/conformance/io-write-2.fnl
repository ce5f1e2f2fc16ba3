(: (io.write "a") :write "b\n")
(print (io.type (io.write "")))
