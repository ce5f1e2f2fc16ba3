{:value 5 :f (fn [x] (* x 10))}
