(each [i v (ipairs [])]
  (set i 2))
