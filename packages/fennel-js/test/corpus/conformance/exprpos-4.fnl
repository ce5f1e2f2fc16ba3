(print (let [] 5))
(print (let [a 1] (values a a)))
