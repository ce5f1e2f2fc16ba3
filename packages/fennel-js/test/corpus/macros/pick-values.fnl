;; pick-values yields exactly n values: extra ones dropped, missing ones nil.
(print (pick-values 2 (table.unpack [:a :b :c])))
(print (select :# (pick-values 5 "one" "two")))
(print (pick-values 3 1))
(print (select :# (pick-values 0 :a :b)))
(print (pick-values 1 (values :only :this)))
(fn add [x y ...]
  (let [sum (+ (or x 0) (or y 0))]
    (if (= ... nil)
        sum
        (add sum ...))))
(print (add (pick-values 2 10 10 10 10)))
(print (->> [1 2 3 4 5] (table.unpack) (pick-values 3) (add)))
(var hit false)
(pick-values 0 (do (set hit true) :x))
(print hit)
(fn three [] (values 1 2 3))
(print (pick-values 2 (three)))
(print (pick-values 2 :a (three)))
