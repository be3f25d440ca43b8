"""Run the command line as ``python -m orgnet.cli``."""

from orgnet.cli import main

main()
