(macro kind [x]
  (if (list? x) :list
      (sym? x) :sym
      (sequence? x) :sequence
      (varg? x) :varg
      (table? x) :table
      :other))
(print (kind (a b)) (kind a) (kind [1]) (kind {:a 1}) (kind 1) (kind "s"))
(macro multi? [s] (if (multi-sym? s) :multi :single))
(print (multi? a.b) (multi? a))
(macro scoped? [s] (if (in-scope? s) :yes :no))
(let [bound 1] (print (scoped? bound) (scoped? unbound)))
(macro viewed [x] (view x))
(print (viewed (foo [1 2] {:k "v"})))
(macro gen [] (let [g (gensym)] `(let [,g 5] (* ,g 2))))
(print (gen))
(macro count-args [...] (select "#" ...))
(print (count-args a b c))
(macro expand-when [] (let [e (macroexpand `(my-thing))] (if (list? e) :yes :no)))
(print (expand-when))
