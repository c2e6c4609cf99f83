"""Short forms of job-title words and skills that recruiters and candidates write ("Sr Backend
Eng", "SFDC admin", "k8s"), so that a note naming a role or a skill in short still names it.

Two tables: whole phrases with their common short forms, and single title words with theirs.
`variants(phrase)` gives the other ways to write a profile or job phrase; callers search the
note for each as they search for the phrase itself. Only short forms with one common meaning
in a working context are listed.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from connectwell.text import fold_plain

PHRASES: dict[str, tuple[str, ...]] = {
    "vice president": ("vp",),
    "product manager": ("pm",),
    "product management": ("pm",),
    "project manager": ("pm",),
    "project management": ("pm",),
    "human resources": ("hr",),
    "chief executive officer": ("ceo",),
    "chief technology officer": ("cto",),
    "chief financial officer": ("cfo",),
    "chief operating officer": ("coo",),
    "chief marketing officer": ("cmo",),
    "chief information officer": ("cio",),
    "chief people officer": ("cpo",),
    "registered nurse": ("rn",),
    "intensive care": ("icu",),
    "emergency department": ("ed", "a&e"),
    "operating room": ("or",),
    "software engineer": ("swe",),
    "site reliability engineering": ("sre",),
    "site reliability engineer": ("sre",),
    "quality assurance": ("qa",),
    "quality control": ("qc",),
    "user experience": ("ux",),
    "user interface": ("ui",),
    "machine learning": ("ml",),
    "artificial intelligence": ("ai",),
    "business intelligence": ("bi",),
    "search engine optimisation": ("seo",),
    "search engine optimization": ("seo",),
    "customer relationship management": ("crm",),
    "workforce management": ("wfm",),
    "enterprise resource planning": ("erp",),
    "accounts payable": ("ap",),
    "accounts receivable": ("ar",),
    "salesforce": ("sfdc",),
    "kubernetes": ("k8s", "kube"),
    "javascript": ("js",),
    "typescript": ("ts",),
    "postgresql": ("postgres", "psql"),
    "google analytics": ("ga4", "ga"),
    "google cloud platform": ("gcp",),
    "google cloud": ("gcp",),
    "amazon web services": ("aws",),
    "microsoft azure": ("azure",),
    "power bi": ("pbi",),
    "continuous integration": ("ci",),
    "natural language processing": ("nlp",),
    "electronic health records": ("ehr",),
    "health and safety": ("h&s", "hse"),
    "research and development": ("r&d",),
    "mergers and acquisitions": ("m&a",),
    "profit and loss": ("p&l",),
    "supply chain management": ("scm",),
    "key account management": ("kam",),
    "learning and development": ("l&d",),
    "diversity and inclusion": ("d&i", "dei"),
    "occupational therapy": ("ot",),
    "physical therapy": ("pt",),
    "software development": ("dev",),
}

WORDS: dict[str, tuple[str, ...]] = {
    "junior": ("jr",),
    "senior": ("sr", "snr"),
    "manager": ("mgr",),
    "management": ("mgmt",),
    "engineer": ("eng",),
    "engineering": ("eng",),
    "developer": ("dev",),
    "development": ("dev",),
    "administrator": ("admin",),
    "administration": ("admin",),
    "executive": ("exec",),
    "director": ("dir",),
    "associate": ("assoc",),
    "assistant": ("asst",),
    "coordinator": ("coord",),
    "representative": ("rep",),
    "specialist": ("spec",),
    "accountant": ("acct",),
    "accounting": ("acct",),
    "operations": ("ops",),
    "quality": ("qa", "qc", "qa/qc"),
    "technician": ("tech",),
    "technology": ("tech",),
    "marketing": ("mktg",),
    "international": ("intl",),
    "department": ("dept",),
    "president": ("pres",),
    "information": ("info",),
    "infrastructure": ("infra",),
    "applications": ("apps",),
    "application": ("app",),
    "intelligence": ("intel",),
    "business": ("biz",),
    "principal": ("princ",),
    "full-stack": ("fullstack", "full stack"),
}

_MAX_VARIANTS = 24  # a long title with many abbreviable words stops there


# Two-letter short forms that mean something else in most notes: "3 pm", "PT" (part-time),
# "OT" (overtime), "AP" (the news agency), "AR" (Arkansas), "GA" (general admission).
_AMBIGUOUS = frozenset({"pm", "pt", "ot", "ap", "ar", "ga"})
_FUNCTION_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "to", "&"})


@lru_cache(maxsize=4096)
def skill_variants(skill: str) -> tuple[str, ...]:
    """variants() fit to stand for a skill anywhere in a note, plus the initials of a skill of
    three words or more ("ETCS" for European Train Control System, "GDP" for Good Distribution
    Practice); never a two-letter form that usually means something else."""
    out = [v for v in variants(skill) if v not in _AMBIGUOUS]
    words = [w for w in fold_plain(skill).replace("-", " ").split() if w not in _FUNCTION_WORDS]
    if len(words) >= 3 and all(w[0].isalpha() for w in words):
        out.append("".join(w[0] for w in words))
    return tuple(out)


@lru_cache(maxsize=4096)
def title_short_forms(title: str) -> tuple[str, ...]:
    """Short forms of the phrases inside a job title, each alone: "RN" and "ICU" in
    "Registered Nurse, Intensive Care", which a recruiter may write in any order."""
    folded = " ".join(fold_plain(title).replace(",", " ").split())
    return tuple(
        short for phrase, shorts in PHRASES.items() if phrase in folded for short in shorts
    )


@lru_cache(maxsize=4096)
def variants(phrase: str) -> tuple[str, ...]:
    """Other ways to write phrase, folded: "VP of Engineering" -> ("vp engineering", "vp of eng",
    "vp eng", ...). Excludes the phrase itself; empty when it has no known short form."""
    folded = " ".join(fold_plain(phrase).split())
    if not folded:
        return ()
    # Whole phrases first (longest first), then each word on its own.
    options: list[tuple[str, ...]] = []
    words = folded.split(" ")
    i = 0
    while i < len(words):
        for length in range(len(words) - i, 0, -1):
            chunk = " ".join(words[i : i + length])
            if chunk in PHRASES:
                options.append((chunk, *PHRASES[chunk]))
                i += length
                break
        else:
            word = words[i]
            if word == "of":
                options.append(("of", ""))  # "VP of Engineering" is also "VP Engineering"
            else:
                options.append((word, *WORDS.get(word, ())))
            i += 1
    out = []
    for combo in itertools.islice(itertools.product(*options), _MAX_VARIANTS + 1):
        text = " ".join(w for w in combo if w)
        if text != folded and text not in out:
            out.append(text)
    return tuple(out[:_MAX_VARIANTS])
