(fn check [x]
  (case x
    1 :one
    [a b] (.. "pair " a b)
    {:k v} (.. "k=" v)
    (where n (= :number (type n)) (> n 10)) :big
    nil :nil
    _ :other))
(print (check 1) (check [1 2]) (check {:k :v}) (check 20) (check nil) (check 5))
