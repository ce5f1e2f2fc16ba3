(local)
