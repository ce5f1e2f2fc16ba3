(print (string.format "%.1f %.0f %5.3f %e" 2.25 2.5 1/3 12345.678))
(print (string.format "%q" 1.5) (string.format "%q" 10) (string.format "%q" (/ 1 0)))
(print (string.format "%i" 42) (string.format "%+d" 5) (string.format "%05.1f" 3.14159))
(print (string.format "%a" 1))
