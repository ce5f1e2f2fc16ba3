(local fennel (require :fennel))
(print (fennel.view 0.5) (fennel.view -2) (fennel.view 1e-10) (fennel.view 1.5e300))
(print (fennel.view (math.sqrt -1)))
(print (fennel.view 1e15) (fennel.view 1e16) (fennel.view 123456789.125))
