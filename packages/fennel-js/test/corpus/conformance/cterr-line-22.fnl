(with-open [(a b) 1] 1)
