;; Compiles one file of the reference compiler's source with fennel-js's own
;; `fennel` module and prints the Lua, taking the options the reference's
;; Makefile gives its ahead-of-time step:
;;   fennel-js aot.fnl FILE [--macro] [--require-as-include]
;; The compiler environment is the whole of _G (so compile-time code can read
;; the files it embeds) and every global is allowed. --macro compiles a macro
;; module: compile-time code whose functions record their metadata in the
;; module's own metadata table. As the reference's bootstrap compiler does,
;; globals whose names are no Lua identifiers compile to _G["name"] (the
;; compiler environment unmangles no names for the macros it loads).
(local fennel (require :fennel))

(local filename (assert (. arg 1) "usage: aot.fnl FILE [--macro] [--require-as-include]"))
(local opts {:compiler-env _G :allowedGlobals [] :useMetadata false : filename
             :global-mangle false})
(each [name (pairs _G)]
  (table.insert opts.allowedGlobals name))

(for [i 2 (length arg)]
  (case (. arg i)
    :--require-as-include (set opts.requireAsInclude true)
    :--macro (do
               (set opts.useMetadata "utils['fennel-module'].metadata")
               (set opts.scope :_COMPILER)
               (set opts.allowedGlobals false))
    flag (error (.. "unknown flag " flag))))

(local source (with-open [f (assert (io.open filename))] (f:read :*a)))
(case (xpcall #(fennel.compile-string source opts) fennel.traceback)
  (true code) (print code)
  (_ err) (do
            (io.stderr:write err "\n")
            (os.exit 1)))
