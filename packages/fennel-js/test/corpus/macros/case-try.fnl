;; case-try chains steps; a mismatch goes to catch, or is returned as is.
(fn parse [s]
  (case (tonumber s)
    n (values true n)
    _ (values nil (.. "bad number: " s))))
(fn half [n] (if (= 0 (% n 2)) (// n 2) (values nil (.. "odd: " n))))
(fn run [s]
  (case-try (parse s)
    (true n) (half n)
    h (.. "half is " h)
    (catch (nil err) (.. "failed: " err))))
(print (run "10"))
(print (run "x"))
(print (run "7"))
(fn nocatch [s] (case-try (parse s) (true n) (* n 2)))
(print (nocatch "4"))
(print (nocatch "q"))
(print (case-try (values nil :x) true :ok (catch (nil :y) :y)))
(print (case-try 1 a (+ a 1) b (+ b 1) c (* c 10)))
(fn steps [x]
  (case-try x
    [a] (values a (* a 2))
    (a b) (if (< b 10) (+ a b))
    sum (.. "sum " sum)
    (catch
      nil :too-big
      other (.. "not a list: " (tostring other)))))
(print (steps [3]) (steps [7]) (steps 5))
(let [x :outer]
  (print (case-try :inner x (.. x "!"))))
