(print (table.concat (fcollect [i 1 5] (* i 2)) " "))
(print (table.concat (fcollect [i 1 10 3] i) " "))
(print (table.concat (fcollect [i 1 6] (when (not= i 3) i)) " "))
(print (table.concat (fcollect [i 1 3 &into [:x]] i) " "))
