(print (length [1 2
        3 4]) ; comment inside
       (. {:a ; comment between key and value
        1} :a))
(print (length [
  1
  2
]))
