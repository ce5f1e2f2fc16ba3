(fn counter [n]
  (coroutine.wrap (fn []
                    (for [i 1 n]
                      (coroutine.yield i))
                    :done)))

(local c (counter 3))
(print (c) (c) (c) (c))

(local co (coroutine.create (fn [a b]
                              (let [x (coroutine.yield (+ a b))]
                                (* x 10)))))
(print (coroutine.resume co 1 2))
(print (coroutine.status co))
(print (coroutine.resume co 5))
(print (coroutine.status co))
(print (coroutine.resume co))
(print (coroutine.isyieldable))
