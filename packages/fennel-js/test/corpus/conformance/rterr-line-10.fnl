(local t (setmetatable {} {:__index (fn [t k] (error (.. "no key " k)))}))
(print "ok")
(print t.zzz)
