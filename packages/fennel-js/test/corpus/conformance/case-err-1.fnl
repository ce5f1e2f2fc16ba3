(case 1 (or 1 2) :x)
