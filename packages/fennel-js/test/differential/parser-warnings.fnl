;; The reader warns of a string or token that follows a form with no
;; whitespace between, with the line and the column of what follows.
(local fennel (require :fennel))

(fn warnings-of [code]
  (let [seen []]
    (each [ok? form (fennel.parser code "w.fnl"
                                   {:warn #(table.insert seen [$1 $3 $4 $5])})]
      (assert ok?))
    seen))

(each [_ code (ipairs ["\n\n(print\"\"token\"\")"
                       "(do\n  (\"string\":sub 1 1)\n  (\"string\"false)\n  (\"string\"0))"
                       "(f [1 2]\"x\" {:a 1}:b)"
                       "(f \"spaced\" fine 1 2)"])]
  (print (length (warnings-of code)))
  (each [_ [message file line col] (ipairs (warnings-of code))]
    (print message file line col)))
