(local mt {:__pairs (fn [t] (fn [_ k] (if (= k nil) (values 1 :one) nil)))})
(each [k v (pairs (setmetatable {} mt))] (print k v))
(each [i v (ipairs (setmetatable {} {:__index (fn [t i] (if (< i 3) (* i 10)))}))] (print i v))
