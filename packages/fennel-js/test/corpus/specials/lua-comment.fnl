(lua "local raw = 40")
(print (lua "raw + 2"))
(print (lua "raw = raw + 1" "raw"))
(comment this is ignored (print "never"))
(print (type (lua nil "{1, 2, 3}")) (length (lua nil "{1, 2, 3}")))
(fn early [x]
  (when (> x 5) (lua "return 'big'"))
  :small)
(print (early 10) (early 1))
