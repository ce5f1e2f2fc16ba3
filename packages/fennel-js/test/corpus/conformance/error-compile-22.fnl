(lambda [x &])
