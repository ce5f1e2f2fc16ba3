(import-macros {: nothing} :no-such-macro-module)
