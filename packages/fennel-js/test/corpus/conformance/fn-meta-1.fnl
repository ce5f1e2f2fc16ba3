(fn documented [x]
  "Returns x doubled."
  (* 2 x))
(print (documented 4))
(fn with-meta [x]
  {:fnl/docstring "meta doc" :custom true}
  (+ x 1))
(print (with-meta 4))
(fn only-string [] "just a string")
(print (only-string))
