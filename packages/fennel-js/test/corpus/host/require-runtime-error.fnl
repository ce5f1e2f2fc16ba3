(local failing (require :_failing))
(print "loaded")
(failing.explode {})
