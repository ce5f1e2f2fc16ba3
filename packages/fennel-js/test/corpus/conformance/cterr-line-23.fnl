(case-try)
