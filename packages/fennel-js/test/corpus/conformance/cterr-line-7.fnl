(local t {})
(fn t.a.b [] 1)
