(var total 0)
(each [line (io.lines)]
  (set total (+ total (tonumber line))))
(print total)
