"""The search for hidden groups' names in other text equals its definition, a case-insensitive regular
expression of each label's words, on tricky characters and on many labels."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.privacy.suppression import _names_any, _Naming

# Letters that re.IGNORECASE equates across scripts and forms (Kelvin sign, long s, dotless and
# dotted i, sharp s and its capital, Greek sigma forms, the micro sign, iota and the combining
# ypogegrammeni the engine equates with it although it is no letter), separators and digits.
ALPHABET = "aAbiIıİsSſkKKßẞσςΣµμιͅéÉ_- .1"


def _definition(labels: list[str], text: str) -> bool:
    """A label's words joined by separators, as whole words, any case (the rule's definition)."""
    for label in labels:
        words = [re.escape(w) for w in re.split(r"[\W_]+", label) if w]
        if words and re.search(r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])", text, re.IGNORECASE):
            return True
    return False


@settings(max_examples=400, deadline=None)
@given(labels=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=8), min_size=1, max_size=4),
       texts=st.lists(st.text(alphabet=ALPHABET, max_size=16), min_size=1, max_size=6))
def test_naming_equals_the_regular_expression(labels: list[str], texts: list[str]) -> None:
    naming = _Naming(labels)
    assert naming.names_all(texts).tolist() == [_definition(labels, t) for t in texts]
    assert [naming.names(t) for t in texts] == [_definition(labels, t) for t in texts]


def test_names_any_reads_each_distinct_value_once_and_keeps_missing_values_unnamed() -> None:
    values = pd.Series(["Head of Legal", None, "dept-legal", "Sales East", "Head of Legal", "paralegal"],
                       dtype="string")
    assert _names_any(values, _Naming(["Legal"])).tolist() == [True, False, True, False, True, False]
    assert not _names_any(values, _Naming([])).any()


def test_on_many_labels_and_values_the_same_as_the_definition() -> None:
    # Group-like labels and team / title / channel values, as a large organisation has thousands.
    rng = np.random.default_rng(3)
    words = ["Legal", "Sales", "North", "Finance", "Ops", "Data", "Platform", "Cobalt", "Head", "of", "Team"]
    labels = [" ".join(rng.choice(words, rng.integers(1, 3))) for _ in range(60)]
    seps = ["-", "_", " ", ".", ""]
    values = ["".join(w + str(rng.choice(seps)) for w in rng.choice(words, rng.integers(1, 5))).upper()
              if rng.random() < 0.3 else " ".join(rng.choice(words, rng.integers(1, 5))) for _ in range(400)]
    naming = _Naming(labels)
    got = naming.names_all(values).tolist()
    assert got == [_definition(labels, v) for v in values]
    assert 0 < sum(got) < len(values)
