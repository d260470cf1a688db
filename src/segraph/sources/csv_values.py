"""The values of a register's cells, read the way people type them: concept keys or their
Swedish/English labels, municipalities by code or by name in any usual spelling (``Malmö stad``,
``Malmo kommun``, ``1280``, ``114`` for ``0114``), organisationsnummer with or without hyphen or
century, ja/nej, years.

:class:`AsWritten` takes keys and codes as written (the example data); :class:`Vocabulary` knows
the graph's concept schemes, municipalities and enterprises and says, in Swedish and English,
what is wrong with a value and what it may have meant.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from segraph.namespaces import ID, SEG
from segraph.reconciliation import Entity, NameIndex, find, fold

SCHEMES = {  # column -> (scheme key, sv name, en name)
    "legal_form": ("legal-form", "juridisk form", "legal form"),
    "activities": ("activity-type", "verksamhetstyp", "activity type"),
    "target_groups": ("target-group", "målgrupp", "target group"),
    "challenges": ("challenge", "samhällsutmaning", "societal challenge"),
    "kind": ("agreement-kind", "avtalsform", "agreement kind"),
}
YES = {"ja", "yes", "j", "y", "true", "sant", "1", "x"}
NO = {"nej", "no", "n", "false", "falskt", "0"}


class CellError(Exception):
    """A cell whose value cannot be used: what is wrong, in Swedish and in English."""

    def __init__(self, sv: str, en: str) -> None:
        super().__init__(en)
        self.sv, self.en = sv, en


def organisation_number(text: str) -> str:
    """``5560360793``, ``556036-0793``, ``16556036-0793``, ``SE556036079301`` ->
    ``556036-0793``. Raises :class:`CellError` for anything that is not ten digits."""
    digits = re.sub(r"[\s\u00a0-]", "", text.strip()).upper()
    vat = re.fullmatch(r"SE(\d{10})01", digits)
    if vat:
        digits = vat.group(1)
    if re.fullmatch(r"\d{12}", digits):
        digits = digits[2:]
    if not re.fullmatch(r"\d{10}", digits):
        raise CellError(
            f"{text!r} är inte ett organisationsnummer: skriv tio siffror, NNNNNN-NNNN "
            "(t.ex. 556036-0793)",
            f"{text!r} is not an organisationsnummer: write ten digits, NNNNNN-NNNN "
            "(e.g. 556036-0793)")
    return f"{digits[:6]}-{digits[6:]}"


def flag(text: str) -> bool | None:
    """ja/nej (yes/no, x, 1/0); None for an empty cell."""
    t = text.strip().casefold()
    if not t:
        return None
    if t in YES:
        return True
    if t in NO:
        return False
    raise CellError(f"{text!r} är inte ja eller nej", f"{text!r} is not ja/nej (yes/no)")


def year(text: str) -> int:
    """A year: ``2023``, ``2023.0`` (a number from Excel), ``2023-05-01`` (a date)."""
    match = re.fullmatch(r"(\d{4})(?:[.,]0+|-\d{1,2}-\d{1,2})?", text.strip())
    if not match:
        raise CellError(f"{text!r} är inte ett årtal: skriv året med fyra siffror, t.ex. 2023",
                        f"{text!r} is not a year: write it with four digits, e.g. 2023")
    return int(match.group(1))


def split_list(cell: str) -> list[str]:
    """The parts of a list cell: separated by ``;``, ``|``, line breaks or commas."""
    return [p.strip() for p in re.split(r"[;|\n]", cell) if p.strip()]


class AsWritten:
    """Keys and codes taken as written (the example data set)."""

    def concept(self, column: str, text: str) -> URIRef:
        return ID[f"{SCHEMES[column][0]}/{text}"]

    def concepts(self, column: str, cell: str) -> list[URIRef]:
        return [self.concept(column, k.strip()) for k in cell.split(",") if k.strip()]

    def municipality(self, text: str) -> URIRef:
        return ID[f"municipality/{text}"]

    def enterprise(self, text: str) -> URIRef:
        return ID[f"organisation/{text}"]


@dataclass
class _Scheme:
    keys: dict[str, str]        # folded key or label -> key
    labels: dict[str, str]      # key -> Swedish label
    labels_en: dict[str, str]   # key -> English label


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text.strip().casefold()).replace("_", "-"))


class Vocabulary(AsWritten):
    """The graph's concept schemes, municipalities and enterprises, for reading cells."""

    def __init__(self, reference: Graph) -> None:
        self.schemes: dict[str, _Scheme] = {}
        for column, (scheme, _, _) in SCHEMES.items():
            base = f"{ID}{scheme}/"
            found = _Scheme({}, {}, {})
            for concept in set(reference.subjects(SKOS.inScheme, URIRef(f"{ID}{scheme}"))):
                key = str(concept).removeprefix(base)
                found.keys[_norm(key)] = key
                for predicate in (SKOS.prefLabel, SKOS.altLabel, RDFS.label):
                    for label in reference.objects(concept, predicate):
                        found.keys.setdefault(_norm(str(label)), key)
                        lang = getattr(label, "language", "")
                        if predicate == SKOS.prefLabel and lang in ("sv", "en"):
                            (found.labels if lang == "sv" else found.labels_en)[key] = str(label)
            self.schemes[column] = found
        entities: dict[str, Entity] = {}
        for kind, cls, code in (("Municipality", SEG.Municipality, SEG.municipalityCode),
                                ("SocialEnterprise", SEG.SocialEnterprise,
                                 SEG.organisationNumber),
                                ("SocialEnterprise", SEG.WorkIntegrationSocialEnterprise,
                                 SEG.organisationNumber)):
            for node in set(reference.subjects(RDF.type, cls)):
                if str(node) in entities:
                    continue
                names = {str(o) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
                         for o in reference.objects(node, p)}
                labels = {getattr(o, "language", None) or "": str(o)
                          for o in reference.objects(node, RDFS.label)}
                entities[str(node)] = Entity(
                    iri=str(node), id=str(node).removeprefix(str(ID)), kind=kind, types={kind},
                    names=names, labels=labels,
                    codes={str(c) for c in reference.objects(node, code)})
        self.index = NameIndex(entities.values(), str(ID))
        self._places: dict[str, URIRef | CellError] = {}  # cells repeat: look each up once

    def concept(self, column: str, text: str) -> URIRef:
        scheme = self.schemes[column]
        key = scheme.keys.get(_norm(text))
        if key is not None:
            return ID[f"{SCHEMES[column][0]}/{key}"]
        _, sv, en = SCHEMES[column]
        close = difflib.get_close_matches(_norm(text), list(scheme.keys), n=3, cutoff=0.6)
        keys = list(dict.fromkeys(scheme.keys[c] for c in close))
        if keys:
            hint_sv = "menade du " + " eller ".join(repr(scheme.labels.get(k, k)) for k in keys)
            hint_en = "did you mean " + " or ".join(repr(k) for k in keys)
            hint_sv, hint_en = hint_sv + "?", hint_en + "?"
        else:
            hint_sv = "välj en av: " + ", ".join(sorted(scheme.labels.values()))
            hint_en = "use one of: " + ", ".join(sorted(set(scheme.keys.values())))
        raise CellError(f"okänd {sv} {text!r}; {hint_sv}", f"unknown {en} {text!r}; {hint_en}")

    def concepts(self, column: str, cell: str) -> list[URIRef]:
        """Every concept of a list cell; a label that holds a comma (``Kafé, restaurang och
        catering``) is kept whole."""
        found: list[URIRef] = []
        for part in split_list(cell):
            pieces = [p.strip() for p in part.split(",")]
            start = 0
            while start < len(pieces):
                for end in range(len(pieces), start, -1):
                    text = ", ".join(pieces[start:end])
                    if _norm(text) in self.schemes[column].keys:
                        found.append(self.concept(column, text))
                        start = end
                        break
                else:
                    if pieces[start]:
                        self.concept(column, pieces[start])  # raises, with suggestions
                    start += 1
        return list(dict.fromkeys(found))

    def municipality(self, text: str) -> URIRef:
        key = text.strip()
        if key not in self._places:
            try:
                self._places[key] = self._municipality(key)
            except CellError as exc:
                self._places[key] = exc
        found = self._places[key]
        if isinstance(found, CellError):
            raise found
        return found

    def _municipality(self, text: str) -> URIRef:
        entity, candidates = find(self.index, "Municipality", text)
        if entity is not None:
            return URIRef(entity.iri)
        exact = [c for c in candidates if c.how in ("identifier", "exact") and c.score >= 90]
        if len(exact) == 1:  # "Habo" is Habo, though Håbo is as near once folded
            return URIRef(exact[0].entity.iri)
        if candidates:
            names = " / ".join(f"{c.entity.label('sv')} ({c.entity.id.split('/')[-1]})"
                               for c in candidates)
            raise CellError(f"känner inte igen kommunen {text!r}; menade du {names}?",
                            f"no municipality {text!r}; did you mean {names}?")
        raise CellError(f"känner inte igen kommunen {text!r}: skriv kommunens namn eller "
                        "fyrsiffriga kommunkod (t.ex. Malmö eller 1280)",
                        f"no municipality {text!r}: write the municipality's name or its "
                        "four-digit code (e.g. Malmö or 1280)")

    def enterprise(self, text: str) -> URIRef:
        try:
            return ID[f"organisation/{organisation_number(text)}"]
        except CellError:
            pass
        entity, _ = find(self.index, "SocialEnterprise", text)
        if entity is not None:
            return URIRef(entity.iri)
        raise CellError(f"{text!r} är inget känt socialt företag: ange dess organisationsnummer "
                        "(importera företaget först med segraph import enterprises)",
                        f"{text!r} is no known social enterprise: give its organisationsnummer "
                        "(import the enterprise first with segraph import enterprises)")

    def title(self, kind: URIRef, place: URIRef, when: int) -> dict[str, str]:
        """A name for an agreement without a title: ``Reserverad upphandling, Malmö 2023``."""
        key = str(kind).rsplit("/", 1)[-1]
        scheme = self.schemes["kind"]
        entity = self.index.entity(str(place))
        town = entity.label("sv") if entity is not None else str(place).rsplit("/", 1)[-1]
        return {"sv": f"{scheme.labels.get(key, key)}, {town} {when}",
                "en": f"{scheme.labels_en.get(key, key)}, {town} {when}"}
