(local t nil)
(print :before)
(print (. t :field))
