(assert false "assertion msg")
