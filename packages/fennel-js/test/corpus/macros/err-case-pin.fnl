;; pinning with (=) is for case, inside (where)
(local x 1)
(print (case [1] [(= x)] :pinned))
