(local t {:a 1
          :b (fn [x]
               (print x)}
