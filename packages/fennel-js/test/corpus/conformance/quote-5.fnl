(macro kv [] `{,(.. "k" 1) :v})
(print (. (kv) :k1))
(macro nest [] ``(a ,b))
(print "nested quote ok")
