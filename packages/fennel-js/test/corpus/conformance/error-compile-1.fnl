(print "never")
(undefined-fn 1)
