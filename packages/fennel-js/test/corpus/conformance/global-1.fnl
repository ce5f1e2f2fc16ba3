(global gx 42)
(print gx _G.gx)
(set _G.gy 7)
(print _G.gy)
