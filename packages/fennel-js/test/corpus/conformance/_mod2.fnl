(fn explode [] (error "from module"))
{: explode}
