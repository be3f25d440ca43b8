"""orgnet's benchmark suite: synthetic organisations at 10k/100k/1M people, orgnet beside networkx and single-library calls.

Run ``python -m benchmarks --sizes 10k,100k`` (see ``benchmarks/RESULTS.md`` for the figures and
``python -m benchmarks --help`` for the options).
"""
