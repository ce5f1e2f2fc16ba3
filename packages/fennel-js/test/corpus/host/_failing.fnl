(fn explode [t]
  (. t :missing :deeper))

{: explode}
