;; when needs a body
(local ready true)
(when ready)
