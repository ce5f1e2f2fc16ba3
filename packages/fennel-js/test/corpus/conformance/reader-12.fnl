(local t {: print})
(print (= t.print print))
(local x 1)
(print (. {: x} :x))
