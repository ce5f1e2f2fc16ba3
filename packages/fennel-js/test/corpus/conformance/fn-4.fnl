(fn meta-fn [x] {:fnl/docstring "meta" :fnl/arglist [x]} (+ x 1))
(print (meta-fn 1))
(fn recur [n] (if (= n 0) 0 (+ n (recur (- n 1)))))
(print (recur 10))
