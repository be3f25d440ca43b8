"""Findings: the rules that turn measures into flags, and the typed results the report renders.

``orgnet.metrics`` measures; this package decides (who is an ambassador, a broker, which group
is a silo, what changed) with every threshold a documented option, and returns typed sections
that refer to people and groups by code. Only the report turns codes into names and evidence
into sentences.
"""
