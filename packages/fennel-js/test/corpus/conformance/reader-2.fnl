(print (~= 1 2))
(print ((λ [] 1)))
