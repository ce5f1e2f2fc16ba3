(local m (require :_mod2))
(fn run [] (m.explode))
(run)
