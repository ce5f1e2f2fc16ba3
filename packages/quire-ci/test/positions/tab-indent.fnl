(local ci (require :quire.ci))
(ci.job :a [:quire/push]
	(fn [] (set undefined-global 1)))
