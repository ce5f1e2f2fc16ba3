(local t [1 2 3])
(each [_ v (ipairs t)]
  (when (= v 2)
    (local x nil)
    (print (+ x v))))
