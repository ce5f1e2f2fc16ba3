;; every case-try step needs a body
(print (case-try 1 a (+ a 1) b))
