(global g-1 1)
(global g_1 2)
(print g-1 g_1)
