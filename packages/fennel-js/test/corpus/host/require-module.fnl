(local greeter (require :_greeter))
(print (greeter.greet "world"))
(print greeter.loaded-as)
;; a second require returns the same table
(print (= greeter (require :_greeter)))
(print (. package.loaded :_greeter :loaded-as))
