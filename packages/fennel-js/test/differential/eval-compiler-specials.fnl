;; A special form compile-time code puts in _SPECIALS is one the compiler
;; uses, and the built-in specials there compile the form they are given.
(print (do (eval-compiler
            (tset _SPECIALS :reverse-it
                  (fn [ast scope parent opts]
                    (tset ast 1 :do)
                    (for [i 2 (math.ceil (/ (length ast) 2))]
                      (let [a (. ast i) b (. ast (- (length ast) (- i 2)))]
                        (tset ast (- (length ast) (- i 2)) a)
                        (tset ast i b)))
                    (_SPECIALS.do ast scope parent opts))))
          (reverse-it 1 2 3 4 5 6)))
(local x 10)
(print (reverse-it (print :a) (print :b) x))
(fn f [] (reverse-it 3 2 (+ x 1)))
(print (f))
(reverse-it (print :c) (print :d))
