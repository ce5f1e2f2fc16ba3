(each)
