{:twice (fn [x] (* x 2))}
