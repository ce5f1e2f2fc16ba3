;; (or) patterns only work inside (where)
(print (case 1 (or 1 2) :yes))
