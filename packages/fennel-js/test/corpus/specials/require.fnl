(local mod (require :_req-mod))
(print (mod.twice 21))
(print (= mod (require :_req-mod)))
