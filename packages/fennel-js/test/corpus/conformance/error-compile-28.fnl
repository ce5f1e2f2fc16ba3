(require-macros)
