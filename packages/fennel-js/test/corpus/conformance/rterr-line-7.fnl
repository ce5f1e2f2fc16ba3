(error "with level 2" 2)
