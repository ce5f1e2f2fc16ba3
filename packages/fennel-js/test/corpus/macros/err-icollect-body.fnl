;; icollect takes exactly one body form
(print (icollect [_ v (ipairs [1 2])] v v))
