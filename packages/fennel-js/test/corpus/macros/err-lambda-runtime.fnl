;; the lambda nil check names the argument and where it was declared
(fn outer []
  (λ [first second] second))
((outer) 1)
