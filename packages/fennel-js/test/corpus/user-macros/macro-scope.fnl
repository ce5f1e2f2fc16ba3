(fn f []
  (macro local-mac [] :inner)
  (local-mac))
(print (f))
(local when-x 1)
(macro shadowed [] :macro)
(let [shadowed (fn [] :local)] (print (shadowed)))
(print (shadowed))
