(fn documented [x] "Docs for documented." x)
(local fennel (require :fennel))
(print (fennel.doc documented "documented"))
