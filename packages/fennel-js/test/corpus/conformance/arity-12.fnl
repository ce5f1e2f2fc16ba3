(tset {} :a)
