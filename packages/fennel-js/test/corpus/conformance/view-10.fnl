(local fennel (require :fennel))
(print (fennel.view {:key "a fairly long string value that takes space" :k2 "another long string to force wrapping"}))
