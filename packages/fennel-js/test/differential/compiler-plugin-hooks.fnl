;; Compiler plugins hear the compile as the reference calls them: a failing
;; do hook is an error at the form's line, and the scope tables they get keep
;; each local's symmeta (var, used, and what the plugin itself records).
(local fennel (require :fennel))
(local friend (require :fennel.friend))
(local versions [(fennel.version:gsub "-dev" "")])

(let [plugin {: versions :do (fn [ast] (friend.assert-compile false "do hook fired" ast))}
      (ok? err) (pcall fennel.eval "\n\n(let [b 5] (print b))" {:plugins [plugin] :filename "hooked.fnl"})]
  (print ok? (err:match "^[^:]+:%d+")))

(fn own-names [scope]
  (let [names []]
    (each [name (pairs scope.symmeta)] (table.insert names name))
    (table.sort names)
    names))

(local heard [])
(fn hear [...] (table.insert heard (table.concat [...] " ")))

(local recorder
  {: versions
   :destructure (fn [from to scope opts]
                  (when (and (not opts.declaration) (fennel.sym? to))
                    (tset scope.symmeta (tostring to) :set true)))
   :call (fn [ast] (hear :call (tostring (. ast 1))))
   :fn (fn [_ scope] (hear :fn (table.concat (own-names scope) ",")))
   :do (fn [_ scope] (hear :do (table.concat (own-names scope) ",")))
   :chunk (fn [_ scope]
            (each [_ name (ipairs (own-names scope))]
              (let [meta (. scope.symmeta name)]
                (hear :chunk name (tostring meta.var) (tostring meta.used) (tostring meta.set)))))})

(fennel.compile-string "(var x 1) (local unused 2) (set x 9)
(fn f [a _b] (let [c a] (print c)))
(f x)" {:plugins [recorder]})
(each [_ line (ipairs heard)] (print line))
