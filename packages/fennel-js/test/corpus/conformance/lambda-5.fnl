(local f (lambda [x] x))
(f)
