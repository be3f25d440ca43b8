"""Measures of the network: arrays or sparse matrices in, arrays or small typed results out.

One module per family (centrality, brokerage, groups, silos, communities, engagement, formal
structure, time). Every function checks its input with :mod:`orgnet.metrics._check` (one rule
set; bad input is a ``ValueError`` naming the function and the argument), and the robust
statistics the rules share live once, in :mod:`orgnet.metrics.robust`.
"""
