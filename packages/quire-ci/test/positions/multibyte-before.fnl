(local ci (require :quire.ci))
(local greeting "héllo wörld") (local x (+ 1 missing-name))
