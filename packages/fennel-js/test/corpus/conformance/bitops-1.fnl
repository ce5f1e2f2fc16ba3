(print (band 12 10) (bor 12 10) (bxor 12 10) (bnot 0) (lshift 1 4) (rshift 256 4))
(print (band) (bor) (bxor) (band 7) (bor 1 2 4 8))
(print (rshift -1 60) (lshift 1 63) (lshift 1 64))
(print (pcall #(band 1.5 1)))
