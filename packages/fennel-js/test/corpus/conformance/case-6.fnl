(fn classify [v]
  (case (type v)
    :number (if (= (math.type v) :integer) :int :float)
    :string :str
    :table (case v [] :empty-or-map _ :table)
    t t))
(print (classify 1) (classify 1.5) (classify "s") (classify []) (classify [1]) (classify nil) (classify print))
