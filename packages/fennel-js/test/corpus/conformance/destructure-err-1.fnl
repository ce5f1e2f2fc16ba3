(let [(a b) 1 [(c d)] [2]] c)
