(local m (include :_inc1))
(print m.value (m.f 2))
