(.. )
(print (..))
(print (values))
(print (type (hashfn 1)))
