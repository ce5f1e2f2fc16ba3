(hashfn $1 $2)
