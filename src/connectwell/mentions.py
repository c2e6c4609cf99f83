"""Finding the recipient in a note: their name and the specific things the sender knows of them.

Profile phrases (skills, company, article titles) are compiled once per phrase into patterns
that tolerate what people really write: other case, hyphens for spaces, plurals, a possessive,
and a single distinctive word standing for a longer skill ("anticoagulation" for
"anticoagulation management").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from connectwell.abbreviations import skill_variants
from connectwell.text import WORD, fold_plain

# Words that say nothing specific on their own, so never identify a skill, company or event.
GENERIC = frozenset(
    """
    management manager managing design designer data analysis analyst analytics planning planner
    engineering engineer development developer systems system services service operations
    operation safety testing test reporting strategy strategic support sales marketing research
    project projects program programme product products business team teams senior junior lead
    leader leadership head chief principal associate assistant officer director specialist
    consultant consulting coordinator coordination work working site care health solutions
    solution group global international national regional local city county council company
    corporation network networks digital online social media public private general quality
    process processes practice practices training education learning communication communications
    customer customers client clients relations relationship technology technologies technical
    software tools tool office center centre partners partner holdings limited with from into
    the and for your their about over under after using used modern advanced applied annual
    conference summit expo forum meetup meeting event events week weekend festival show fair
    congress symposium workshop webinar session sessions day days night awards award talks talk
    live world open trade network new community industry field sector account accounts payable
    receivable budget budgets money finance financial power energy water food people staff
    """.split()
)
LEGAL_SUFFIXES = frozenset(
    "fc ltd inc llc plc gmbh ag sa co corp corporation group holdings limited company "
    "the llp lp bv nv oy ab as srl spa pty".split()
)
# What kind of organisation it is: people drop these ("your ICU work at St Hilda's").
ORG_WORDS = frozenset(
    "hospital hospitals clinic clinics pharmacy pharmacies school schools academy university college "
    "council studio studios lab labs laboratory foundation trust bank hotel hotels partners associates "
    "agency consulting consultants solutions systems technologies technology health healthcare farm farms "
    "press media news gazette herald times airlines airways airport energy power renewables games "
    "software labs ventures capital insurance logistics transport freight foods bakery restaurant cafe "
    "architects design engineering construction homes stores markets retail club city "
    "nhs institute centre center museum library gallery theatre records publishing consult consultancy "
    "associates group services".split()
)
STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at by for with from as is are was were be been being am
    it its this that these those there here i me my mine we us our ours you your yours he him his
    she her hers they them their theirs what which who whom whose when where why how all any both
    each few more most other some such no nor not only own same so than too very can will just
    don should now do does did doing have has had having would could might must shall may also
    into over under again further then once about against between through during before after
    above below up down out off i'm i'd i've i'll you're you've you'd we're we've we'd it's
    that's let's im id ive dont cant wont s t
    """.split()
)


@dataclass(frozen=True)
class Mention:
    kind: str  # name | company | role | skill | article | connection | event | job
    value: str  # the profile entry that was found
    span: tuple[int, int]  # in folded coordinates


# A trailing plural or possessive is the same word to a reader.
_PLURAL = r"(?:s|es|'s|’s|s'|s’)?"


def _token_pattern(token: str) -> str:
    return re.escape(token) + _PLURAL


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """Whole-phrase pattern: tokens in order, any separator between them."""
    tokens = _phrase_tokens(phrase)
    if not tokens:
        return None
    first, *rest = tokens
    words = [_word_start(first) + _PLURAL, *map(_token_pattern, rest)]
    return re.compile(r"[\W_]{1,3}".join(words) + r"(?![^\W_])")


def _word_start(literal: str) -> str:
    r"""literal where a word starts: the same as (?<![^\W_])literal, but with the literal first
    the regex engine finds its candidates with a fast substring search instead of trying the
    look-behind at every position."""
    escaped = re.escape(literal)
    return rf"{escaped}(?<![^\W_]{escaped})"


@lru_cache(maxsize=4096)
def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    tokens = WORD.findall(fold_plain(phrase))
    return tuple(t for part in tokens for t in re.split(r"['’\-]", part) if t)


@lru_cache(maxsize=4096)
def distinctive_tokens(phrase: str, min_len: int = 5) -> tuple[str, ...]:
    tokens = [t for t in re.split(r"[\W_]+", fold_plain(phrase)) if t]
    return tuple(
        t
        for t in tokens
        if len(t) >= min_len and t not in GENERIC and t not in STOPWORDS and not t.isdigit()
    )


def _stem(token: str) -> str:
    # Crude but predictable: "robotic" ~ "robots", "monitoring" ~ "monitor".
    return token if len(token) <= 5 else token[: max(5, len(token) - 3)]


@lru_cache(maxsize=4096)
def stem_pattern(token: str) -> re.Pattern[str]:
    return re.compile(rf"{_word_start(_stem(token))}[^\W_]*")


@lru_cache(maxsize=4096)
def phrase_probe(phrase: str) -> tuple[str, re.Pattern[str]] | None:
    """The phrase's first folded token, which every match contains, and its pattern."""
    pattern = phrase_pattern(phrase)
    return None if pattern is None else (_phrase_tokens(phrase)[0], pattern)


def find_phrase(
    text: str, phrase: str, masked: list[tuple[int, int]] = ()
) -> tuple[int, int] | None:
    probe = phrase_probe(phrase)
    # A plain substring test first: far cheaper than the pattern on notes that lack the word.
    if probe is None or probe[0] not in text:
        return None
    for m in probe[1].finditer(text):
        if not _inside(m.span(), masked):
            return m.span()
    return None


def find_skill(text: str, skill: str, masked: list[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """The whole skill, or one of its distinctive words (a skill is often named in part)."""
    span = find_phrase(text, skill, masked)
    if span:
        return span
    for variant in skill_variants(skill):  # "SFDC" for Salesforce, "k8s" for Kubernetes
        span = find_phrase(text, variant, masked)
        if span:
            return span
    for evidence in skill_evidence(skill):  # "your Figma screens" for UI design
        span = find_phrase(text, evidence, masked)
        if span:
            return span
    candidates = _skill_words(skill)
    for token in candidates:
        if _stem(token) not in text:
            continue
        pattern = stem_pattern(token) if len(token) >= 5 else phrase_pattern(token)
        for m in pattern.finditer(text):
            if not _inside(m.span(), masked):
                return m.span()
    return None


@lru_cache(maxsize=1)
def _evidence_table() -> dict[str, tuple[str, ...]]:
    import yaml

    path = Path(__file__).parent / "data" / "skill_evidence.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {fold_plain(str(k)): tuple(map(str, v)) for k, v in raw.items()}


@lru_cache(maxsize=4096)
def skill_evidence(skill: str) -> tuple[str, ...]:
    """Tools and work that show a skill the note does not name (data/skill_evidence.yaml)."""
    return _evidence_table().get(" ".join(fold_plain(skill).split()), ())


@lru_cache(maxsize=4096)
def _skill_words(skill: str) -> tuple[str, ...]:
    """Words that alone name the skill. In "data journalism" the head noun is the broad field,
    so only the words that qualify it ("anticoagulation" management, "robotic" milking) count."""
    tokens = [t for t in re.split(r"[\W_]+", fold_plain(skill)) if t]
    if len(tokens) == 1:
        return tuple(t for t in tokens if len(t) >= 2)
    modifiers = " ".join(tokens[:-1])
    # An acronym among the modifiers names the skill too ("CAD" in "3D CAD modelling").
    acronyms = tuple(
        a.lower() for a in re.findall(r"\b[A-Z]{3,}\b", skill) if fold_plain(a) in tokens[:-1]
    )
    return distinctive_tokens(modifiers) + tuple(a for a in acronyms if a not in GENERIC)


@lru_cache(maxsize=4096)
def company_variants(company: str) -> tuple[str, ...]:
    """ "Brightwell City Hospital" -> ("Brightwell City Hospital", "Brightwell City", "Brightwell")."""
    words = company.split()
    variants = [company]
    core = list(words)
    while core and core[-1].lower().strip(".,") in LEGAL_SUFFIXES:
        core.pop()
    if core and core != words:
        variants.append(" ".join(core))
    while len(core) > 1 and core[-1].lower().strip(".,") in ORG_WORDS:
        core.pop()
    while core and core[0].lower() == "the":
        core.pop(0)
    if core and " ".join(core) not in variants:
        variants.append(" ".join(core))
    if len(core) > 1:
        first = fold_plain(core[0])
        if len(first) >= 4 and first not in GENERIC and first not in STOPWORDS:
            variants.append(core[0])
        # "the Roubaix museum" for Musée des Tissus de Roubaix: a place often ends the name.
        last = fold_plain(core[-1])
        if (
            len(last) >= 5
            and last not in GENERIC
            and last not in STOPWORDS
            and last not in ORG_WORDS
            and core[-1][:1].isupper()
        ):
            variants.append(core[-1])
    return tuple(variants)


def _inside(span: tuple[int, int], masked) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in masked)


def shared_skills(a: tuple[str, ...], b: tuple[str, ...]) -> list[str]:
    """Skills of a that b also lists (whole phrase either way, or a shared distinctive word)."""
    return list(_shared_skills(tuple(a), tuple(b)))


@lru_cache(maxsize=1024)
def _shared_skills(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    # A profile and a job are compared for every note sent about that job: once is enough.
    out = []
    folded_b = " | ".join(fold_plain(s) for s in b)
    for skill in a:
        if find_phrase(folded_b, skill) or any(
            stem_pattern(t).search(folded_b) for t in distinctive_tokens(skill, 4)
        ):
            out.append(skill)
    return tuple(out)
