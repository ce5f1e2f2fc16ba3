(fn boom [] (error "kaboom"))
(boom)
