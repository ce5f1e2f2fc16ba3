(fn deep [n] (if (= n 0) (error "deep error") (deep (- n 1))))
(deep 3)
