(eval-compiler (set _G.compile-time 1))
(eval-compiler
  (tset _SPECIALS :noop (fn [] "nil")))
(macro ct [] (+ 1 2 3))
(print (ct))
(print (eval-compiler (+ 1 2)))
