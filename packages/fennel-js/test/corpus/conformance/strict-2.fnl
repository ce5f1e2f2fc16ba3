(set undefined-var 1)
