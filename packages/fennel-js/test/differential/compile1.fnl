;; fennel.compile1 compiles one AST into a caller's chunk, in a scope, where
;; the options say (all values, nval, tail, target): the Lua it emits and the
;; expressions it returns must do what the reference's do when run. (The
;; text differs: only behaviour is compared.)
(local fennel (require :fennel))

(fn ast [src]
  (let [(_ form) ((fennel.parser src))] form))

(fn leaves [chunk out]
  (if chunk.leaf
      (table.insert out chunk.leaf)
      (each [_ sub (ipairs chunk)] (leaves sub out)))
  out)

(fn run [parent tail ...]
  (let [code (.. (table.concat (leaves parent []) "\n") "\n" tail)
        chunk (assert (load code "compiled" "t" _G))]
    (chunk ...)))

(fn show [exprs]
  (table.concat (icollect [_ e (ipairs exprs)] (tostring e.type)) " "))

;; Expressions from several compiles used together, after all their
;; statements: their temporaries must not clash.
(let [scope (fennel.scope)
      parent []
      results []]
  (each [_ [src opts] (ipairs [["(+ 1 2)"] ["(+ 4 1)" {:nval 1}]
                               ["(let [y 2] (* y 3))"] ["(do (local x 10) (+ x 1))"]
                               ["(values 1 2)"] ["(values :a :b :c)" {:nval 1}]
                               ["(if (> (select :# ...) 1) :many :few)"]
                               ["(let [x 3] (values x (* x 2)))" {:nval 2}]
                               ["(table.unpack [7 8 9])" {:nval 1}]
                               [":str"] ["[...]"]])]
    (let [exprs (fennel.compile1 (ast src) scope parent opts)]
      (print src (length exprs) (show exprs))
      (each [_ e (ipairs exprs)] (table.insert results (tostring e)))))
  (print (fennel.view [(run parent (.. "return {" (table.concat results ", ") "}") :x :y)])))

;; tail: the chunk returns the values itself.
(let [parent []
      exprs (fennel.compile1 (ast "(if (= 1 (select :# ...)) (values :one 1) (values :other 2))") (fennel.scope) parent {:tail true})]
  (print (length exprs) (run parent "" :only)))

;; target: assigned to names the caller declared.
(let [parent [{:leaf "local t1, t2"}]
      exprs (fennel.compile1 (ast "(let [n 20] (values n (+ n 1)))") (fennel.scope) parent {:target "t1, t2"})]
  (print (length exprs) (run parent "return t1, t2")))

;; Statements only, nval 0: side effects in order.
(let [parent []]
  (fennel.compile1 (ast "(print :side :effect)") (fennel.scope) parent {:nval 0})
  (run parent ""))

;; A compile error is raised.
(let [(ok? msg) (pcall fennel.compile1 (ast "(let [x] x)") (fennel.scope) [] {})]
  (print ok? (not= nil (msg:find "^unknown:1:%d+: Compile error: "))))
