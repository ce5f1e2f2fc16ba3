(local x)
