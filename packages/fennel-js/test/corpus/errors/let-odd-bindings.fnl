(let [x 1 y] (print x))
