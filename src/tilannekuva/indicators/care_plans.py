"""(being written)"""

INDICATORS: tuple = ()
