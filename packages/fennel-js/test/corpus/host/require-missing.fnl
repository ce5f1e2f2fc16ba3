(local (ok msg) (pcall require :no.such.module))
(print ok)
(print (not= nil (msg:find "module 'no.such.module' not found" 1 true)))
(print (not= nil (msg:find "no file './no/such/module.fnl'" 1 true)))
