(fn outer []
  (local x 10)
  (fn inner [] (* x 2))
  (inner))
(print (outer))
(fn rec-local []
  (fn helper [n] (if (= n 0) :done (helper (- n 1))))
  (helper 5))
(print (rec-local))
(local obj {})
(fn obj.deep.fail [] 1)
