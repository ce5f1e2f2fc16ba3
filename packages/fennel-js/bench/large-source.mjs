// The generated Fennel source the benchmarks compile: a large, varied file.

/** A large, varied source: functions, destructuring, loops, tables, strings. */
export function largeSource(blocks) {
  const parts = [];
  for (let i = 0; i < blocks; i++) {
    parts.push(`(fn helper-${i} [{: name : items} opts]
  "Docstring for helper ${i}."
  (let [total (accumulate [sum 0 _ v (ipairs items)] (+ sum v))
        label (.. name "-" ${i})
        scaled (icollect [_ v (ipairs items)] (* v ${i % 7 + 1}))]
    (if (> total 100)
        {:label label :total total :scaled scaled :big true}
        (= total 0)
        nil
        (do
          (each [k v (pairs (or opts {}))]
            (when (= (type v) :string)
              (print k v)))
          {:label label :total total :scaled scaled}))))

(local result-${i} (helper-${i} {:name "block" :items [1 2 3 ${i}]} {:mode :fast}))
`);
  }
  return parts.join("\n");
}
