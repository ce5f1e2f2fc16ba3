;; match-try is case-try built on match: locals in scope are pinned.
(let [token :secret]
  (print (match-try (values :cmd :secret) (cmd token) (.. cmd "!") (catch _ :denied)))
  (print (match-try (values :cmd :other) (cmd token) (.. cmd "!") (catch _ :denied))))
(fn lookup [db key]
  (match-try (. db key)
    {: id} (. db.names id)
    name (.. key " is " name)
    (catch nil (.. "no " key))))
(local db {:alice {:id 1} :bob {:id 2} :names {1 "Alice"}})
(print (lookup db :alice) (lookup db :bob) (lookup db :carol))
(print (match-try 2 n (values n (* n n)) (a sq) (+ a sq)))
