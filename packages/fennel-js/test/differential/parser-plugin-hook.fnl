;; A plugin's parse-error handler hears the message and where it is; the
;; parse error is still raised when the handler returns nothing.
(local fennel (require :fennel))

(local heard [])
(local plugin {:versions [(fennel.version:gsub "-dev" "")]
               :parse-error (fn [msg file line col] (table.insert heard [msg file line col]))})

(print (pcall #(icollect [_ f (fennel.parser "(ok)\n(there is (an error" "p.fnl" {:plugins [plugin]})] f)))
(each [_ [msg file line] (ipairs heard)]
  (print msg file line))
