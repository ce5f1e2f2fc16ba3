(print (let [x 1] (local y 2) y))
