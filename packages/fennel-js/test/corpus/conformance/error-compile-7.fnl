(let [[a b] 1 c] c)
