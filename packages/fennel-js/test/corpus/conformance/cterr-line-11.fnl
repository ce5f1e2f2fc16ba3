(let [x 1]
  (var y 2)
  (local z 3))
