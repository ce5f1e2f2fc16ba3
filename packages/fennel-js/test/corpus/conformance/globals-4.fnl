(local fennel (require :fennel))
(set _G.x 1)
(print (fennel.eval "x"))
(print (fennel.eval "(+ x 1)" {:env {:x 10}}))
