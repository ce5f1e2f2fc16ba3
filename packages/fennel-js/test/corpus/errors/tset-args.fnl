(tset {} :k)
