;; Runs the reference Fennel's test modules (test/*.fnl of its tree, the
;; current directory) through fennel-js's own `fennel` module, as the
;; reference's test/init.lua does: no global may be set, and modules load
;; through a searcher installed with {:useMetadata true :correlate true}. A
;; module that does not load is reported with its error instead of stopping
;; the run. Arguments name the modules.
(local fennel (require :fennel))

(setmetatable _G {:__newindex (fn [_ k] (error (.. "set global " k)))})

(each [i searcher (ipairs package.searchers)]
  (when (= searcher fennel.searcher)
    (table.remove package.searchers i)))
(fennel.install {:useMetadata true :correlate true})

(local t (require :test.faith))

(local all-modules [:test.core :test.mangling :test.quoting :test.bit
                    :test.fennelview :test.parser :test.failures :test.repl
                    :test.cli :test.macro :test.linter :test.loops
                    :test.misc :test.searcher :test.api :test.sourcemap])

(local wanted (if (< 0 (length arg)) arg all-modules))
(local loaded [])
(each [_ name (ipairs wanted)]
  (case (pcall require name)
    (true _) (table.insert loaded name)
    (false err) (print (.. "\nSUITE-LOAD-FAILED " name "\n" (tostring err)
                           "\nSUITE-LOAD-END"))))

(t.run loaded {:hooks {:exit (fn [])}})
