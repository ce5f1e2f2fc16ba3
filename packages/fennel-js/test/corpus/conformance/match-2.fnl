(fn m [x]
  (match x
    [:add a b] (+ a b)
    [:neg a] (- a)
    {:op :mul : a : b} (* a b)
    (where [:div a b] (not= b 0)) (/ a b)
    _ :unknown))
(print (m [:add 1 2]) (m [:neg 3]) (m {:op :mul :a 2 :b 5}) (m [:div 1 0]) (m [:div 8 2]))
