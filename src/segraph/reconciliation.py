"""Name matching for the reconciliation service: which resource a spreadsheet cell names.

A cell names a municipality, county, social enterprise, societal challenge or SDG goal or
target, in any common spelling: ``Malmö stad``, ``Malmo kommun`` and ``MALMÖ`` all name
Malmö (1280). :func:`variants` normalises a name (case, punctuation, parentheses, the Swedish
and English words around a name such as *kommun*, *stad*, *län*, *region*, *AB*,
*ek. för.*, *ideell förening*, *(svb)*) and :class:`NameIndex` scores it against every label
(preferred, alternative and ``rdfs:label``, in both languages):

- an identifier (kommunkod ``1280``, länskod ``12``, organisationsnummer ``797425-5502``, SDG
  notation ``8``, ``Mål 8``, ``8.5``, a challenge key, a URI) scores 100;
- the same name once normalised scores 100, with the diacritics folded (å, ä -> a, ö -> o)
  95; a place name read without its affix (``Uppsala län`` as ``Uppsala``) 3 less, and without
  a genitive -s too (``Stockholms län`` as ``Stockholm``) 5 less again;
- an affix that names another kind of thing (``… kommun`` for a county) costs 15, and each
  given property the candidate does not have 20;
- anything else is fuzzy (difflib on the folded names, pruned by shared trigrams), at most 88.

The best candidate is a match only when it is near-exact (90 or more), every given property
agrees, and the next candidate is at least 8 points behind: ``Habo`` (100) is not a match, as
Håbo (95) is too close; ``Stockholm`` (100) is, before Stockholms län (92).

The index is built once per served graph from the store (:meth:`NameIndex.from_store`).
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pyoxigraph as ox

from segraph.labels import best_label
from segraph.namespaces import BASE, SEG

KINDS = ("Municipality", "County", "SocialEnterprise", "SocietalChallenge", "SDGGoal",
         "SDGTarget")

EXACT, FOLDED = 100.0, 95.0
DERIVED_PENALTY = 5.0   # a genitive -s dropped: "Stockholms län" answering to "Stockholm"
AFFIX_PENALTY = 3.0     # a place name read without its affix: "Uppsala län" as "Uppsala"
HINT_PENALTY = 15.0     # an affix that names another kind: "… kommun" for a county
FUZZY_MAX, FUZZY_FLOOR = 88.0, 0.5
MIN_COMMON = 4          # letters the shared words need before word-set similarity counts
MATCH_MIN, MATCH_GAP = 90.0, 8.0
PROPERTY_PENALTY = 20.0

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NAME_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", SKOS + "hiddenLabel")
CODE_PROPERTIES = (SKOS + "notation", str(SEG.municipalityCode), str(SEG.countyCode),
                   str(SEG.organisationNumber))
TEXT_PROPERTIES = (SKOS + "definition", "http://purl.org/dc/terms/description")
# Properties a query may give (``{"pid": "inCounty", "v": "Skåne"}``) and a preview shows.
PROPERTIES = ("municipalityCode", "countyCode", "organisationNumber", "inCounty",
              "inLabourMarketRegion", "seatMunicipality", "operatesIn", "addressesChallenge",
              "targetOfGoal", "relatedSDGTarget", "legalForm")

# Words around a name, as token tuples, and the kind of thing they say it is.
SUFFIXES: dict[tuple[str, ...], str | None] = {
    ("kommun",): "Municipality", ("stad",): "Municipality", ("municipality",): "Municipality",
    ("city",): "Municipality", ("län",): "County", ("lan",): "County",
    ("county",): "County", ("region",): "County",
    ("ab",): "SocialEnterprise", ("aktiebolag",): "SocialEnterprise",
    ("publ",): "SocialEnterprise", ("svb",): "SocialEnterprise",
    ("ek", "för"): "SocialEnterprise", ("ek", "for"): "SocialEnterprise",
    ("ekonomisk", "förening"): "SocialEnterprise", ("ekonomisk", "forening"): "SocialEnterprise",
    ("ideell", "förening"): "SocialEnterprise", ("ideell", "forening"): "SocialEnterprise",
    ("hb",): "SocialEnterprise", ("kb",): "SocialEnterprise",
    ("stiftelse",): "SocialEnterprise",
}
PREFIXES: dict[tuple[str, ...], str | None] = {
    ("region",): "County", ("city", "of"): "Municipality",
    ("municipality", "of"): "Municipality", ("county", "of"): "County",
    ("stiftelsen",): "SocialEnterprise", ("ideella", "föreningen"): "SocialEnterprise",
}
PLACE_KINDS = ("Municipality", "County")
PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
APOSTROPHES = re.compile(r"['’`´]")
NOT_WORD = re.compile(r"[^\w]+|_")
FOLDS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "ð": "d", "þ": "th", "ł": "l"})


# --- normalising -------------------------------------------------------------------------

def fold(text: str) -> str:
    """``text`` without diacritics: ``Malmö`` -> ``Malmo``, ``Håbo`` -> ``Habo``."""
    decomposed = unicodedata.normalize("NFD", text.translate(FOLDS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words of ``text``, lower case, without punctuation or parenthesised parts."""
    text = unicodedata.normalize("NFC", text).casefold()
    bare = PARENTHESES.sub(" ", text)
    if bare.strip():
        text = bare
    return NOT_WORD.sub(" ", APOSTROPHES.sub("", text)).split()


@dataclass(frozen=True)
class Variant:
    """One normalised form of a name."""

    key: str           # normalised, diacritics kept: "malmö"
    penalty: float     # points below an exact match (a derived form)
    hint: str | None   # the kind an affix named ("kommun" -> Municipality), if any


def _strip_affixes(words: list[str]) -> tuple[list[str], list[str]]:
    """``words`` without the affixes around the name, and the kinds those affixes named."""
    hints: list[str] = []
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in (2, 1):
            kind = SUFFIXES.get(tuple(words[-n:]), "") if len(words) > n else ""
            if kind != "":
                words, changed = words[:-n], True
                hints += [kind] if kind else []
                break
        for n in (2, 1):
            kind = PREFIXES.get(tuple(words[:n]), "") if len(words) > n else ""
            if kind != "":
                words, changed = words[n:], True
                hints += [kind] if kind else []
                break
    return words, hints


def variants(name: str) -> list[Variant]:
    """The normalised forms of ``name``: ``Stockholms stad`` -> ``stockholms`` and the derived
    ``stockholm`` (a genitive -s before *stad*, *kommun*, *län* dropped), hinting Municipality."""
    words = tokens(name)
    if not words:
        return []
    stripped, hints = _strip_affixes(words)
    hint = hints[0] if hints else None
    key = " ".join(stripped)
    found = [Variant(key, 0.0, hint)]
    if hint in PLACE_KINDS and key.endswith("s") and len(key) > 3:
        found.append(Variant(key[:-1], DERIVED_PENALTY, hint))
    return found


def code_forms(text: str) -> list[tuple[str, str | None]]:
    """The identifiers ``text`` may be, as indexed, each with the kind it identifies (None:
    any): ``Mål 8`` -> ``8`` (a goal); ``8.5`` (a target); ``114`` -> ``0114`` (a kommunkod
    that lost its leading zero); ``7`` -> ``07`` (a länskod) and ``7`` (a goal);
    ``16797425-5502`` or ``SE797425550201`` -> ``7974255502``; a challenge key."""
    t = unicodedata.normalize("NFC", text).strip().casefold()
    forms: list[tuple[str, str | None]] = []
    goal = re.fullmatch(r"(?:sdg|fn-?mål|mål|goal|globala mål(?:et)?|agenda 2030 mål)\s*"
                        r"(?:nr\.?|no\.?)?\s*(\d{1,2})", t)
    if goal:
        forms.append((str(int(goal.group(1))), "SDGGoal"))
    target = re.fullmatch(r"(?:sdg|delmål|target|mål|goal)?\s*(\d{1,2})\.(\d{1,2}|[a-z])", t)
    if target:
        forms.append((f"{int(target.group(1))}.{target.group(2)}", "SDGTarget"))
    digits = re.sub(r"[\s-]", "", t)
    vat = re.fullmatch(r"se(\d{10})01", digits)
    if vat:
        forms.append((vat.group(1), "SocialEnterprise"))
    if digits.isdigit():
        if len(digits) == 12 and digits.startswith("16"):
            forms.append((digits[2:], "SocialEnterprise"))
        elif len(digits) == 10:
            forms.append((digits, "SocialEnterprise"))
        elif len(digits) in (3, 4):
            forms.append((digits.zfill(4), "Municipality"))
        elif len(digits) <= 2:
            forms += [(digits.zfill(2), "County"), (str(int(digits)), "SDGGoal")]
    elif not forms and re.fullmatch(r"[a-z0-9]+(?:[-.][a-z0-9]+)*", t):
        forms.append((t, None))  # a challenge key, a notation
    return list(dict.fromkeys(forms))


def _code_key(value: str) -> str:
    """How a code is indexed: organisation numbers without the dash, else lower case."""
    t = value.strip().casefold()
    return t.replace("-", "") if re.fullmatch(r"\d{6}-\d{4}", t) else t


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def similarity(a: str, b: str) -> float:
    """How alike two folded names are, 0–1: the better of the whole-string ratio and 0.9 × a
    word-set ratio (so ``grona hander`` is close to ``kooperativet grona hander``) when the
    shared words have at least four letters."""
    whole = _ratio(a, b)
    ta, tb = set(a.split()), set(b.split())
    common = " ".join(sorted(ta & tb))
    if len(common) < MIN_COMMON:  # "8" in "delmal 8 8" says little
        return whole
    sa = f"{common} {' '.join(sorted(ta - tb))}".strip()
    sb = f"{common} {' '.join(sorted(tb - ta))}".strip()
    words = max(_ratio(common, sa), _ratio(common, sb), _ratio(sa, sb))
    return max(whole, 0.9 * words)


def _grams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


# --- the index ---------------------------------------------------------------------------

@dataclass
class Entity:
    """One resource that names can reconcile to."""

    iri: str
    id: str                                   # relative to the identifier space
    kind: str                                 # one of KINDS
    types: set[str] = field(default_factory=set)          # its seg: classes, local names
    labels: dict[str, str] = field(default_factory=dict)  # language -> preferred label
    names: set[str] = field(default_factory=set)          # every label, any language
    codes: set[str] = field(default_factory=set)
    facts: dict[str, set[str]] = field(default_factory=dict)  # property -> values
    texts: dict[str, str] = field(default_factory=dict)   # language -> definition/description

    def label(self, lang: str) -> str:
        return best_label(self.labels, lang, self.id)


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    how: str                    # "identifier" | "exact" | "folded" | "fuzzy" | "properties"
    name: str                   # the label or code that matched
    properties: dict[str, bool] = field(default_factory=dict)
    match: bool = False


@dataclass(frozen=True)
class _Entry:
    entity: int
    penalty: float
    name: str


class NameIndex:
    """Every reconcilable resource of a graph, by normalised name, folded name, trigram and
    identifier."""

    def __init__(self, entities: Iterable[Entity], identifier_space: str,
                 subtypes: dict[str, set[str]] | None = None,
                 type_labels: dict[str, dict[str, str]] | None = None,
                 property_labels: dict[str, dict[str, str]] | None = None,
                 value_labels: dict[str, dict[str, str]] | None = None) -> None:
        self.identifier_space = identifier_space
        self.entities = sorted(entities, key=lambda e: (KINDS.index(e.kind), e.id))
        self.by_iri = {e.iri: i for i, e in enumerate(self.entities)}
        self.by_id = {e.id: i for i, e in enumerate(self.entities)}
        self.subtypes = {k: set(v) | {k} for k, v in (subtypes or {}).items()}
        for kind in KINDS:
            self.subtypes.setdefault(kind, {kind})
        self.type_labels = type_labels or {}
        self.property_labels = property_labels or {}
        self.value_labels = value_labels or {}  # labels of fact values that are not entities
        self.exact: dict[str, list[_Entry]] = defaultdict(list)
        self.folded: dict[str, list[_Entry]] = defaultdict(list)
        self.codes: dict[str, list[int]] = defaultdict(list)
        self.keys: list[str] = []                  # folded keys, for fuzzy search
        self.key_ids: dict[str, int] = {}
        self.grams: dict[str, dict[str, list[int]]] = {k: defaultdict(list) for k in KINDS}
        tails: list[tuple[str, int]] = []
        gathered: set[tuple[str, int]] = set()  # (kind, key) pairs already in self.grams
        for i, entity in enumerate(self.entities):
            for code in entity.codes:
                self.codes[_code_key(code)].append(i)
            for name in entity.names:
                for v in variants(name):
                    placed = v.hint in PLACE_KINDS
                    entry = _Entry(i, v.penalty + (AFFIX_PENALTY if placed else 0.0), name)
                    self.exact[v.key].append(entry)
                    folded = fold(v.key)
                    self.folded[folded].append(entry)
                    if folded not in self.key_ids:
                        self.key_ids[folded] = len(self.keys)
                        self.keys.append(folded)
                        starts = [0] + [m.end() for m in re.finditer(" ", folded)]
                        tails += [(folded[s:], self.key_ids[folded]) for s in starts]
                    kid = self.key_ids[folded]
                    if (entity.kind, kid) not in gathered:
                        gathered.add((entity.kind, kid))
                        for gram in _grams(folded):
                            self.grams[entity.kind][gram].append(kid)
        tails.sort()
        self.tails = tails

    # -- types and properties --

    def kind_of_type(self, type_name: str) -> str | None:
        """The kind (one of KINDS) whose subtypes include ``type_name`` (a local name)."""
        for kind in KINDS:
            if type_name in self.subtypes[kind]:
                return kind
        return None

    def type_name(self, value: str) -> str | None:
        """``Municipality`` from ``Municipality``, ``seg:Municipality`` or the class IRI;
        None for a type this index does not know."""
        local = value.strip()
        for prefix in (str(SEG), "seg:"):
            local = local.removeprefix(prefix)
        return local if self.kind_of_type(local) else None

    def has_type(self, entity: Entity, types: Sequence[str]) -> bool:
        return not types or any(entity.types & self.subtypes.get(t, {t}) for t in types)

    @staticmethod
    def property_name(value: str) -> str | None:
        local = value.strip()
        for prefix in (str(SEG), "seg:"):
            local = local.removeprefix(prefix)
        return local if local in PROPERTIES else None

    # -- looking up --

    def entity(self, ref: str) -> Entity | None:
        """The entity with id ``municipality/1280``, or IRI ``…/id/municipality/1280``."""
        ref = ref.strip()
        for base in (self.identifier_space, BASE + "id/"):
            if ref.startswith(base):
                ref = ref[len(base):]
        i = self.by_id.get(ref)
        return None if i is None else self.entities[i]

    def coded(self, text: str) -> list[tuple[int, str]]:
        """(entity, code) for each identifier ``text`` may be (:func:`code_forms`)."""
        return [(i, code) for code, kind in code_forms(text)
                for i in self.codes.get(_code_key(code), ())
                if kind is None or self.entities[i].kind == kind]

    def label_of(self, iri: str, lang: str) -> str:
        """The label of an entity or of another resource a fact names, else the IRI."""
        i = self.by_iri.get(iri)
        if i is not None:
            return self.entities[i].label(lang)
        labels = self.value_labels.get(iri, {})
        return labels.get(lang) or labels.get("") or next(iter(labels.values()), iri)

    def resolve(self, value: str) -> set[str]:
        """The IRIs a property value may name: an id or IRI, an identifier, or an exact or
        folded name. Never fuzzy: a property value either names something or not."""
        found = set()
        named = self.entity(value)
        if named:
            found.add(named.iri)
        found |= {value.strip()} if value.strip().startswith(("http://", "https://")) else set()
        found |= {self.entities[i].iri for i, _ in self.coded(value)}
        for v in variants(value):
            for entry in [*self.exact.get(v.key, ()), *self.folded.get(fold(v.key), ())]:
                found.add(self.entities[entry.entity].iri)
        return found

    def _agrees(self, entity: Entity, pid: str, values: list[str], resolved: list[set[str]]
                ) -> bool:
        have = entity.facts.get(pid, set())
        for value, iris in zip(values, resolved, strict=True):
            if have & iris:
                return True
            wanted = {_code_key(c) for c, _ in code_forms(value)} | {_code_key(value)}
            if {_code_key(h) for h in have} & wanted:
                return True
        return False

    # -- searching --

    def search(self, query: str | None, *, types: Sequence[str] = (), limit: int = 10,
               properties: Sequence[tuple[str, list[str]]] = ()) -> list[Candidate]:
        """The best candidates for ``query`` among entities of ``types`` (local names; empty:
        any), refined by ``properties`` ((property local name, values) pairs), best first."""
        kinds = [k for k in KINDS if not types or any(self.kind_of_type(t) == k for t in types)]
        best: dict[int, tuple[float, str, str]] = {}

        def offer(i: int, score: float, how: str, name: str, hint: str | None = None) -> None:
            entity = self.entities[i]
            if entity.kind not in kinds or not self.has_type(entity, types):
                return
            if hint and entity.kind != hint and how != "identifier":
                score -= HINT_PENALTY
            if i not in best or score > best[i][0]:
                best[i] = (score, how, name)

        text = (query or "").strip()
        if text:
            named = self.entity(text)
            if named:
                offer(self.by_iri[named.iri], EXACT, "identifier", named.id)
            for i, code in self.coded(text):
                offer(i, EXACT, "identifier", code)
            forms = variants(text)
            for v in forms:
                for entry in self.exact.get(v.key, ()):
                    offer(entry.entity, EXACT - v.penalty - entry.penalty, "exact", entry.name,
                          v.hint)
                for entry in self.folded.get(fold(v.key), ()):
                    offer(entry.entity, FOLDED - v.penalty - entry.penalty, "folded",
                          entry.name, v.hint)
            if forms:
                self._fuzzy(fold(forms[0].key), kinds, offer, forms[0].hint)
        resolved = [(pid, values, [self.resolve(v) for v in values])
                    for pid, values in properties]
        if not text and resolved:
            for kind in kinds:
                for i, entity in enumerate(self.entities):
                    if entity.kind == kind:
                        offer(i, EXACT, "properties", entity.label(""))
        found = []
        for i, (score, how, name) in best.items():
            entity = self.entities[i]
            agreed = {pid: self._agrees(entity, pid, values, iris)
                      for pid, values, iris in resolved}
            if not text and not all(agreed.values()):
                continue
            score -= PROPERTY_PENALTY * sum(not ok for ok in agreed.values())
            found.append(Candidate(entity, round(max(score, 0.0), 1), how, name, agreed))
        found.sort(key=lambda c: (-c.score, c.entity.label(""), c.entity.id))
        found = found[:max(1, limit)]
        if found:
            top = found[0]
            gap = top.score - (found[1].score if len(found) > 1 else 0.0)
            if top.score >= MATCH_MIN and gap >= MATCH_GAP and all(top.properties.values()):
                found[0] = Candidate(top.entity, top.score, top.how, top.name, top.properties,
                                     match=True)
        return found

    def _fuzzy(self, key: str, kinds: Sequence[str], offer, hint: str | None,
               keep: int = 30) -> None:
        """Offer the names most like ``key`` (folded): the ``keep`` with the most trigrams in
        common per kind, scored with :func:`similarity`."""
        grams = _grams(key)
        for kind in kinds:
            postings = self.grams[kind]
            shared: Counter[int] = Counter()
            for gram in grams:
                shared.update(postings.get(gram, ()))
            if not shared:
                continue
            ranked = heapq.nlargest(keep, shared.items(), key=lambda kv: 2 * kv[1] / (
                len(grams) + len(self.keys[kv[0]]) + 1))
            for kid, _ in ranked:
                name_key = self.keys[kid]
                sim = similarity(key, name_key)
                if sim < FUZZY_FLOOR:
                    continue
                for entry in self.folded[name_key]:
                    if self.entities[entry.entity].kind == kind:
                        offer(entry.entity, round(FUZZY_MAX * sim - entry.penalty, 1),
                              "fuzzy", entry.name, hint)

    def suggest(self, prefix: str, *, types: Sequence[str] = (), limit: int = 10,
                cursor: int = 0) -> list[Entity]:
        """Entities whose name, or a word of it, starts with ``prefix`` (or whose identifier
        it is): whole-name prefixes first, then shorter names."""
        kinds = [k for k in KINDS if not types or any(self.kind_of_type(t) == k for t in types)]
        words = tokens(prefix)
        wanted = fold(" ".join(words))
        ranked: dict[int, tuple[int, int]] = {}

        def take(i: int, rank: tuple[int, int]) -> None:
            entity = self.entities[i]
            if entity.kind in kinds and self.has_type(entity, types) and \
                    (i not in ranked or rank < ranked[i]):
                ranked[i] = rank

        named = self.entity(prefix)
        if named:
            take(self.by_iri[named.iri], (0, 0))
        for i, _ in self.coded(prefix):
            take(i, (0, 0))
        if wanted:
            start = bisect.bisect_left(self.tails, (wanted, -1))
            for tail, kid in self.tails[start:start + 5000]:
                if not tail.startswith(wanted):
                    break
                key = self.keys[kid]
                for entry in self.folded[key]:
                    take(entry.entity, (1 if key == tail else 2, len(key)))
        order = sorted(ranked, key=lambda i: (ranked[i], self.entities[i].label("")))
        return [self.entities[i] for i in order[cursor:cursor + limit]]

    # -- building --

    @classmethod
    def from_store(cls, store: ox.Store, identifier_space: str) -> NameIndex:
        """The index of every resource of the six kinds (and their subclasses) in ``store``,
        read with in-process queries over the union of its graphs."""

        def select(query: str) -> list[ox.QuerySolution]:
            return list(store.query(query, use_default_graph_as_union=True))

        kinds_values = " ".join(f"<{SEG[k]}>" for k in KINDS)
        subtypes: dict[str, set[str]] = {k: {k} for k in KINDS}
        for row in select(f"""SELECT ?sub ?kind WHERE {{
            VALUES ?kind {{ {kinds_values} }} ?sub <{RDFS}subClassOf>+ ?kind }}"""):
            sub = row["sub"]
            if isinstance(sub, ox.NamedNode) and sub.value.startswith(str(SEG)):
                subtypes[row["kind"].value.removeprefix(str(SEG))].add(
                    sub.value.removeprefix(str(SEG)))
        all_types = {t for ts in subtypes.values() for t in ts}
        type_values = " ".join(f"<{SEG[t]}>" for t in sorted(all_types))
        entities: dict[str, Entity] = {}
        for row in select(f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {type_values} }} "
                          "?s a ?t }"):
            iri, t = row["s"].value, row["t"].value.removeprefix(str(SEG))
            if not iri.startswith(identifier_space):
                continue
            kind = next(k for k in KINDS if t in subtypes[k])
            entity = entities.setdefault(
                iri, Entity(iri=iri, id=iri[len(identifier_space):], kind=kind))
            entity.types.add(t)
            if KINDS.index(kind) < KINDS.index(entity.kind):
                entity.kind = kind
        wanted = NAME_PROPERTIES + CODE_PROPERTIES + TEXT_PROPERTIES + tuple(
            str(SEG[p]) for p in PROPERTIES)
        ranks: dict[tuple[str, str], int] = {}
        for row in select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES ?t {{ {type_values} }} ?s a ?t .
            VALUES ?p {{ {' '.join(f'<{p}>' for p in wanted)} }} ?s ?p ?o }}"""):
            entity = entities.get(row["s"].value)
            if entity is None:
                continue
            p, o = row["p"].value, row["o"]
            value = o.value
            lang = (o.language or "") if isinstance(o, ox.Literal) else ""
            if p in NAME_PROPERTIES:
                entity.names.add(value)
                rank = NAME_PROPERTIES.index(p)
                if rank <= 1 and ranks.get((entity.iri, lang), 9) > rank:
                    ranks[(entity.iri, lang)] = rank
                    entity.labels[lang] = value
            elif p in CODE_PROPERTIES:
                entity.codes.add(value)
            elif p in TEXT_PROPERTIES and (lang not in entity.texts or p == TEXT_PROPERTIES[0]):
                entity.texts[lang] = value
            local = p.removeprefix(str(SEG))
            if local in PROPERTIES:
                entity.facts.setdefault(local, set()).add(value)
        type_labels = _labels(select, [str(SEG[t]) for t in sorted(all_types)], str(SEG))
        property_labels = _labels(select, [str(SEG[p]) for p in PROPERTIES], str(SEG))
        others = sorted({v for e in entities.values() for vs in e.facts.values() for v in vs
                         if v.startswith(("http://", "https://")) and v not in entities})
        value_labels = _labels(select, others, "")
        return cls(entities.values(), identifier_space, subtypes, type_labels, property_labels,
                   value_labels)


def _labels(select, iris: list[str], strip: str) -> dict[str, dict[str, str]]:
    """``{IRI less strip: {language: label}}`` (``skos:prefLabel`` before ``rdfs:label``)."""
    found: dict[str, dict[str, str]] = {}
    if not iris:
        return found
    values = " ".join(f"<{i}>" for i in iris)
    for p in (f"{RDFS}label", f"{SKOS}prefLabel"):  # the second overwrites the first
        for row in select(f"SELECT ?c ?l WHERE {{ VALUES ?c {{ {values} }} ?c <{p}> ?l }}"):
            local = row["c"].value.removeprefix(strip)
            found.setdefault(local, {})[row["l"].language or ""] = row["l"].value
    return found


def find(index: NameIndex, kind: str, value: str) -> tuple[Entity | None, list[Candidate]]:
    """The resource of ``kind`` that ``value`` names (an identifier, id, IRI, or a name that
    reconciles unambiguously), else None and the closest candidates."""
    found = index.search(value.strip(), types=[kind], limit=5)
    if found and found[0].match:
        return found[0].entity, []
    return None, [c for c in found if c.score >= 40][:3]
