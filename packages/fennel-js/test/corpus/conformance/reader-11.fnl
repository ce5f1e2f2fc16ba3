(print -0x10 +5 -1e2 - -)
