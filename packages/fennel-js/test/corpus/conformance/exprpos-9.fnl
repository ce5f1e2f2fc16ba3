(print (do (values 1 2)))
(print (let [] (values 1 2)))
(print ((fn [] (do (values 3 4)))))
(print (do 1 (values)))
