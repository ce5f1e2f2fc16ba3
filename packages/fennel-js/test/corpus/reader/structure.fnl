; a comment at the top
(local t {:a 1 ; comment inside table
          :b [1 2 3]}) ; trailing
(print t.a (. t.b 3))
(local x 5)
(local s {: x :y 6})
(print s.x s.y)
(print (. [[1 2] [3 4]] 2 1))
(print (length []) (next {}))
(print ((fn [...] (select "#" ...)) nil nil))
(print (#(+ $1 $2 $3) 1 2 3) (#$ :dollar) (. (#[$1 $2] 1 2) 2))
(print (#(select "#" $...) 1 2 3))
(print (type #(do $)) (#(. $ :k) {:k :v}) (#$.k {:k :dot}))
(print (quote :kw) (. '[1 2] 2) (. '{:a 9} :a))
