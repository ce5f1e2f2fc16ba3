(macros {:twice (fn [e] `(do ,e ,e))
         :const (fn [] 99)})
(twice (print :hi))
(print (const))
