(fn ok [] 1)
(fn broken []
  (let [a 1]
    (undefined-name a)))
