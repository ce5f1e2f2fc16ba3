(require-macros :_my-macros)
(print (double 3) (add-all 4 5))
