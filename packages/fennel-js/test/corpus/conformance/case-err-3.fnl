(case 1 (where [(= a)] true) :x)
