(print (do 1 2 3))
(let [x 1 y (+ x 1)]
  (print x y))
(let [x 1]
  (let [x (+ x 10)]
    (print x))
  (print x))
(print (let [a 1 b 2] (+ a b)))
(fn f [] (let [a 1] (values a 2)))
(print (f))
(local z (let [q 4] (* q q)))
(print z)
(print (do (values 1 2 3)))
