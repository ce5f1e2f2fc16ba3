(fn classify [n]
  (if (< n 0) :negative
      (= n 0) :zero
      (< n 10) :small
      :large))
(print (classify -5) (classify 0) (classify 3) (classify 100))
(fn no-else [x] (if x :yes))
(print (no-else true) (no-else false))
(print (select "#" (no-else false)))
(local y (if false 1 2))
(print y)
(fn two [] (values 1 2))
(print (if true (two) 3))
(print (if false 3 (two)))
(if true (print :stmt) (print :never))
(print (if (let [z 1] (= z 2)) :a (let [w 3] (= w 3)) :b :c))
