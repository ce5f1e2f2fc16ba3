(each [k v (next {:only :one})] (print k v))
(local t [10 20 30])
(each [i v (ipairs t) &until (= v 20)] (print i v))
(each [k v pairs {:a 1}] (print k v))
