(local m (require :_mod2))
(print "before")
(m.explode)
