(each [i [a b] (ipairs [[1 2] [3 4]])] (print i a b))
(each [_ {:x x} (ipairs [{:x 1} {:x 2}])] (print x))
(fn iter [] (var i 0) (fn [] (set i (+ i 1)) (when (< i 4) (values i (* i i)))))
(each [a b (iter)] (print a b))
