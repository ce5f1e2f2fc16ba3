(local fennel (require :fennel))
(local people [{:name "Ann" :age 31 :tags [:admin :dev]}
               {:name "Bob" :age 27 :tags []}
               {:name "Cyd" :age 45 :tags [:ops]}])
(print (fennel.view people))
(local by-name (collect [_ p (ipairs people)] p.name p.age))
(print (fennel.view by-name))
(print (fennel.view (icollect [_ p (ipairs people)] (/ p.age 2))))
