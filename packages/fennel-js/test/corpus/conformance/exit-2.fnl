(io.write "buffered")
(os.exit 0)
