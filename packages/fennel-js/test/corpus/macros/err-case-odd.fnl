;; an odd number of pattern/body forms is a compile error at the call
(local x 1)
(case x
  1 :one
  2)
