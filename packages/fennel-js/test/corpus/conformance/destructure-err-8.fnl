(local {: a} 5)
