(print "before")
(local broken (require :_broken))
(broken.f 1)
