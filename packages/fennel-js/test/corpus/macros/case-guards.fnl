;; case guards: (where pattern guards…), (where (or …)), and (= x) pins.
(print (case [91 12 53]
         (where [a b c] (= 5 a)) :will-not-match
         (where [a b c] (= 0 (math.fmod (+ a b c) 2)) (= 91 a)) c))
(fn either [v]
  (case v
    (where (or [a 3 9] [a 1 2]) (= 5 a)) (.. "either " a)
    _ "anything else"))
(print (either [5 1 2]) (either [5 3 9]) (either [6 1 2]) (either [5 0 0]))
(fn small [n] (case n (where (or 1 2 3)) :small _ :big))
(print (small 3) (small 4))
(fn bound-or [v]
  (case v
    (where (or [a b 2] [a b 3]) (< a 0) (<= b 1)) (.. "neg " a " " b)
    (where (or [:x y] [:y y])) (.. "xy " y)
    other (.. "other " (type other))))
(print (bound-or [-1 1 3]) (bound-or [-1 5 3]) (bound-or [:y 7]) (bound-or 4))
(fn guard-only [x] (case x (where n (= (type n) :number) (> n 10)) :big-number
                           (where s (= (type s) :string)) :string
                           _ :else))
(print (guard-only 50) (guard-only 5) (guard-only "s") (guard-only nil))
(let [x 1]
  (print (case [:hello] [x] x))
  (print (case [:hello] (where [(= x)]) x _ :no-match))
  (print (case [1] (where [(= x)]) x _ :no-match))
  (print (case 1 (where (= x)) :pinned _ :no)))
(let [pass :hunter2]
  (fn login [input] (case input (where (= pass)) :login _ :try-again!))
  (print (login :hunter2) (login :guess)))
(fn multi [...]
  (case ...
    (where (a b) (> a b)) :first-bigger
    (where (or (1 b) (b 1))) (.. "has one with " b)
    _ :neither))
(print (multi 3 2) (multi 1 5) (multi 5 1) (multi 2 3))
