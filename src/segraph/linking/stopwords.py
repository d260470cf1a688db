"""Word lists for linking: stopwords of Swedish and English, and everyday topic words.

Stopwords are left out of matching (a multi-word term is matched on its other words) and are
the evidence for guessing a text's language.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SWEDISH = _words("""
a alla allt andra annan annat att av bara bl blev bli blir blivit både ca de dem den denna deras
dess dessa det detta dig din dina ditt dock du dvs där därför då efter eftersom egen eget egna
ej eller en enligt er era ert etc ett ex fast fick fler från får fått för före genom gjorde gör
göra ha hade han hans har hela helt hen henne hennes hit hon honom hos hur här i icke ifrån igen
in inför inga ingen inget inom inte jag ju just kan kanske kommer kring kunde man med medan
mellan men mer mest mig min mina mitt mot mycket många ned ni nu när något några och också om
oss osv per på redan samma samt sedan sig sin sina sitt själv ska skall skulle som sätt så sådan
sådana sådant t till under upp ut utan vad var vara varandra varför varit varje vars vart vem vi
via vid vilka vilken vilket vill vår våra vårt än ändå är även åt över
""")

ENGLISH = _words("""
a about above across after again against all along also am among an and any are around as at be
because been before being below between both but by can can't could did do does doing down
during e each etc few for from further g had has have having he her here hers herself him
himself his how i if in into is it its itself just may me might more most must my myself no nor
not now of off on once only onto or other our ours ourselves out over own per same shall she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up upon us very via was we were what when where whether which while
who whom whose why will with within without would yet you your yours yourself yourselves
""")

STOPWORDS: dict[str, frozenset[str]] = {"sv": SWEDISH, "en": ENGLISH}

# Words that are frequent in one language and never (or hardly) written in the other: the
# evidence for guessing the language of a text. Words in both lists ("i", "a", "in") count for
# neither.
LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    "sv": SWEDISH - ENGLISH - {"ca", "ex", "fast", "hen", "man", "upp", "ut", "vi"},
    "en": ENGLISH - SWEDISH - {"am", "hit", "just", "ned", "per", "under", "via", "vill"},
}

# Everyday words that also name a challenge or goal ("äldre killar", "health insurance"): as the
# only word of a matched term they are weaker evidence than a specific word or a phrase.
EVERYDAY: dict[str, frozenset[str]] = {
    "sv": _words("""
vegetarisk vegetariskt vegetariska
alkohol anställning anställningar arbete avfall avstånd barn beroende billig billigt boende
bostad brott buss bussen by byn delaktighet demografi digital digitala digitalisering digitalt
diskriminering egenmakt elever energi etablering familjer fattiga fika fred föräldrar gemenskap
gratis grön hav hälsa hållbarhet idrott inkluderande inkludering innovation insamling
integration jobb jämlikhet klimat klimatet kläder kompetens konsumtion kunskap  laga
landsbygden lärande mat miljö miljön motion mottagande möbler mötesplats natur naturen omsorg
oro orten partnerskap personal polisen praktik promenad promenader rehabilitering resor resurser
rättvisa rörelse sammanhang samverkan skog skola skolan skulder sortering stress stänger
sysselsättning teknik tekniken textil tonåringar transporter tryggare trygghet träffas träning
täckning unga ungdomar utbildning vatten våld vård äldre återfall
"""),
    "en": _words("""
vegetarian
accessible alcohol belonging broken bus buses care chat cheap children climate coffee community
connection consumption coverage crime debt dependence digital disabled disadvantaged
discrimination distances donated donations drinking education elderly employment empowerment
energy environment environmental equality equity excluded exercise  fix food forests
friendship furniture gender  green health housing illness inclusion inclusive inequality
innovation integration internship jobs justice learning lighting nature neighborhood
neighbourhood older participation partnership partnerships peace police poor poverty recovery
rehabilitation remote repair repairs resources running rural safer safety school shelter skills
sport sports stress sustainability swimming technology teenagers textiles training transport
village violence walking waste water  work youth
"""),
}

__all__ = ["ENGLISH", "EVERYDAY", "LANGUAGE_MARKERS", "STOPWORDS", "SWEDISH"]
