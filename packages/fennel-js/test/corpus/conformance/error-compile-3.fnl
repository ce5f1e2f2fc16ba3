(fn [a b)
