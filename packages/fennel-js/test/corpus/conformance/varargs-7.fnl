(print (let [x ...] x))
(local [a & r] [...])
(print a (length r))
