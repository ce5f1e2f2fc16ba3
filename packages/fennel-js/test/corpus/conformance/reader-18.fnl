(local a {:b {:c (fn [self] self.v) :v 1}})
(print (a.b:c))
(print a:b)
