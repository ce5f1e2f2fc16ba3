(import-macros {: nope} :_macs)
