(local M {})
(fn M.greet [n] (.. "hello " n))
(set M.loaded-times (+ 1 (or _G.inc-count 0)))
M
