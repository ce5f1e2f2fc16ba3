(fn even? [n] (if (= n 0) true (tail! (odd? (- n 1)))))
(fn odd? [n] (if (= n 0) false (tail! (even? (- n 1)))))
(print (even? 10001))
