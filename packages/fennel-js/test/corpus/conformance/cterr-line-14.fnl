(accumulate [a 0] a)
