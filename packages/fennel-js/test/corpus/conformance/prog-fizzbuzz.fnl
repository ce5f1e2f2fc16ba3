(for [i 1 20]
  (print (case [(% i 3) (% i 5)]
           [0 0] :FizzBuzz
           [0 _] :Fizz
           [_ 0] :Buzz
           _ i)))
