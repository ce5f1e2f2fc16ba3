;; Options the compiler's own build relies on: global-mangle, useMetadata as
;; an expression, scope "_COMPILER", and include searching fennel.path.
(local fennel (require :fennel))

;; global-mangle false: a global that is no Lua identifier is _G["name"].
(let [code (fennel.compile-string "(print sym?)" {:global-mangle false :allowedGlobals false})]
  (print (not= nil (code:find "_G%[\"sym%?\"%]")) (not= nil (code:find "__fnl_global__"))))

;; useMetadata as a string: the expression whose :setall records the metadata.
(let [seen []
      recorder {:setall (fn [_ _f ...] (each [_ v (ipairs [...])] (table.insert seen v)))}
      code (fennel.compile-string "(fn f [x ?y] \"Docs.\" x) (f 1)"
                                  {:useMetadata "M" :allowedGlobals false})
      chunk (load code "meta" "t" {:M recorder})]
  (print (chunk))
  (each [_ v (ipairs seen)]
    (print (if (= (type v) :table) (table.concat v " ") v))))

;; scope "_COMPILER": quoting compiles, as in a macro module.
(let [(ok? code) (pcall fennel.compile-string "(fn m [x] `(print ,x))" {:scope :_COMPILER :allowedGlobals false})]
  (print ok? (type code)))
(print (pcall fennel.compile-string "(fn m [x] `(print ,x))" {:allowedGlobals false}))

;; include finds modules along fennel.path.
(let [saved fennel.path]
  (set fennel.path (.. "./_lib/?.fnl;" saved))
  (print (. (fennel.eval "(include :included)" {:filename "inc.fnl"}) :answer))
  (set fennel.path saved))
