;; match pins locals by itself, so (=) is refused
(local x 1)
(print (match 1 (where (= x)) :pinned))
