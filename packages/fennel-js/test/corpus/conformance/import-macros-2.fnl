(import-macros mm :_macs)
(print (mm.my-mac 2) (mm.other))
(import-macros {:my-mac renamed} :_macs)
(print (renamed 5))
