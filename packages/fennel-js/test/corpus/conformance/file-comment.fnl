;; only a comment
