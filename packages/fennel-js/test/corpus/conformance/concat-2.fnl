(print (.. 1.5 "|" 0.1 "|" -0.5 "|" 1e20 "|" (/ 1 3)))
(print (.. (math.tointeger 5.0) "|" (* 2 1.5)))
(print (pcall #(.. "a" nil)))
(print (pcall #(.. {} "")))
