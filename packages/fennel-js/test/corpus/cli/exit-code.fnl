(io.write "about to fail\n")
(io.stderr:write "custom failure message\n")
(os.exit 4)
