;; lambda needs an argument list
(local f (lambda :oops))
