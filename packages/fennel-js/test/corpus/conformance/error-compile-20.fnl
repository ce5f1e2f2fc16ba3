(macro m [] (error "macro failed"))
(m)
