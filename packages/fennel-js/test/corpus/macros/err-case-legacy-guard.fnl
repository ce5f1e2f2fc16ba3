;; the (pattern ? guard) form is only accepted by match
(print (case 1 (n ? (> n 0)) :pos))
