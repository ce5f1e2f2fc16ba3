(let [(a b c) (values 1 2 3)]
  (print a b c))
(let [[x y & rest] [1 2 3 4 5]]
  (print x y (length rest) (. rest 3)))
(let [{:a a :b {:c c}} {:a 1 :b {:c 3}}]
  (print a c))
