(print :before)
(print '(a b))
