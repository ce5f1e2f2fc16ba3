(macro needs-sym [x] (assert-compile (sym? x) "expected a symbol argument" x) x)
(local a 1)
(print (needs-sym a))
(print (needs-sym
        "nope"))
