(require-macros :_macs)
(print (my-mac 1))
