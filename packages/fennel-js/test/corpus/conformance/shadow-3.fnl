(local string "shadowed")
(print string)
(local table {:concat (fn [] "mine")})
(print (table.concat))
