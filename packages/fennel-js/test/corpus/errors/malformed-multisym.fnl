(local t {})
(print (t:))
