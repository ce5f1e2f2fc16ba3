(print _G.anything)
(print (. _G "any-thing"))
(set _G.anything 5)
(print anything)
