(let [a 1 b (+ a 1) c (* b 2)]
  (print a b c))
(let [x 10]
  (let [x 20] (print x))
  (print x))
(print (let [y 5] (+ y 1)))
