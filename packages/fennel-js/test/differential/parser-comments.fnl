;; fennel.parser with {:comments true} keeps comments: as items of lists,
;; sequences and the top level, and on a table's metatable (before a key,
;; before a value, or after the last entry); view prints them.
(local fennel (require :fennel))
(local view fennel.view)

(fn parse [code]
  (icollect [_ form (fennel.parser code "c.fnl" {:comments true})] form))

(let [[c] (parse ";; abc")]
  (print (type (fennel.comment? c)) (tostring c)))

(let [[tbl] (parse "{;; one\n1 ;; hey\n2 ;; what\n:is \"up\" ;; here\n}")
      mt (getmetatable tbl)]
  (print (view mt.keys))
  (print (view mt.comments.keys.is) (view (. mt.comments.keys 1)))
  (print (view (. mt.comments.values 2)) (view mt.comments.last)))

(let [[tbl] (parse "{:a 1 ;; on a\n ;; two lines\n: b ; and the end\n}")
      mt (getmetatable tbl)]
  (print (view mt.comments.keys.b) (view mt.comments.values) (view mt.comments.last)))

(print (view (icollect [_ x (ipairs (. (parse "(do\n; a\n(print))") 1))] (tostring x))))
(print (view (icollect [_ x (ipairs (parse ":do\n; a\n(print)"))] (tostring x))))
(print (view (. (parse "(print [1\n;hi\n])") 1)))
(print (view (. (parse "(print [1;hi\n2])") 1)))
(print (view (. (parse "(fn f []\n  ;; body\n  (g) ; why\n  nil)") 1)))
;; Without the option, comments are skipped.
(print (view (. (icollect [_ f (fennel.parser "(a ; gone\n b)")] f) 1)))
