(fn check [n]
  (when (< n 0)
    (error (.. "negative: " n)))
  n)

(print (check 1))
(print (check -5))
