(print (xpcall (fn [] (error "x" 0)) (fn [e] (.. "handled " e))))
(print (pcall (fn [] (error (setmetatable {} {:__tostring (fn [] "E!")})))))
(print (select "#" (pcall (fn [] (values 1 2 3)))))
