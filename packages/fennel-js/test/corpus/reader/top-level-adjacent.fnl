;; top-level forms may touch: each is read afresh
(print 1)(print 2)"x"(print 3)
;c
(print 4);d
(print 5)
