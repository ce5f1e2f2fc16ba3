;; match compares symbols naming locals in scope instead of rebinding them.
(let [x 95]
  (print (match [52 85 95]
           [b a a] :no
           [x y z] :no2
           [a b x] :yes)))
(let [name nil
      get-input (fn [] "Dave")]
  (print (match (get-input)
           name (.. "Hello " name)
           ?no-input (.. "Hello anonymous"))))
(print (match [1 2 3]
         (where [a 2 3] (< 0 a)) "new guard syntax"
         ([a 2 3] ? (< 0 a)) "obsolete guard syntax"))
(print (match [-1 2 3]
         (where [a 2 3] (< 0 a)) "new"
         ([a 2 3] ? (< a 0)) "obsolete"))
(local config {:mode :fast})
(fn pick [m] (match m config.mode :same-as-config _ :different))
(print (pick :fast) (pick :slow))
(let [expected 2]
  (fn check [t] (match t [1 expected] :ok [_ other] (.. "got " other)))
  (print (check [1 2]) (check [1 3])))
(print (match (values nil "oops") (nil err) err))
(let [limit 10]
  (print (match 3 (where (or 1 2 3) (< 2 limit)) :low _ :high)))
(let [_ :ignored]
  (print (match 7 _ :wildcard-still-matches)))
