(local print-it print)
(local if 1)
