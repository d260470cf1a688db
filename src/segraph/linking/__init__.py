"""Text linking: a free text (Swedish or English) → the societal challenges, SDG goals and SDG
targets it addresses, ranked, each with a score and the evidence (see ``linker`` for the model).

    linker = Linker.from_store(store)      # once per graph: reads the vocabulary by SPARQL
    result = linker.link("Vi anställer långtidsarbetslösa i vår second hand-butik")
    result.to_json()                       # {"lang", "challenges", "goals", "targets"}
"""

from segraph.linking.linker import Linker, Tuning
from segraph.linking.results import Evidence, Link, LinkResult

__all__ = ["Evidence", "Link", "LinkResult", "Linker", "Tuning"]
