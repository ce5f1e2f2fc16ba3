(local values-table {:a 1})

(print "start")
(print (+ values-table.a values-table.b))
