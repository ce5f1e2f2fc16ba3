(case [1] [(a b)] :x)
