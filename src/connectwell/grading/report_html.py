"""The cohort report as a page: score and rule plots (matplotlib, imported when drawn) and escaped
HTML, written beside the CSV. Called by `connectwell report` through cohort.export.
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from connectwell.grading.report import (
    DEFINITION,
    Assignment,
    Cohort,
    RuleShare,
    percent_text,
    points_text,
)

# ---------------------------------------------------------------- plots and HTML


def plot_scores(a: Assignment, path: Path) -> Path:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.subplots()
    ax.hist(a.percents, bins=list(range(0, 101, 10)), color="#3b6ea5", edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"Score (% of {points_text(a.max_score)} points)")
    ax.set_ylabel("Learners")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{a.name}: scores of {len(a.graded)} graded learners", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.savefig(path, dpi=110)
    return path


def plot_rules(shares: Sequence[RuleShare], title: str, path: Path) -> Path:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 0.45 * max(len(shares), 2) + 1.0), layout="constrained")
    ax = fig.subplots()
    labels = [f"{r.rule} ({r.code})" for r in shares]
    values = [100 * r.share for r in shares]
    colours = ["#b3261e" if v >= 50 else "#e08a2c" if v >= 25 else "#8aa9c9" for v in values]
    bars = ax.barh(labels, values, color=colours)
    ax.invert_yaxis()  # most failed on top
    ax.set_xlim(0, 115)
    ax.set_xticks(range(0, 101, 25))
    ax.set_xlabel("Learners who failed it (%)")
    for bar, r in zip(bars, shares, strict=True):
        ax.text(
            bar.get_width() + 1.5,
            bar.get_y() + bar.get_height() / 2,
            f"{len(r.failed)} of {r.learners}",
            va="center",
            fontsize=9,
        )
    ax.set_title(title, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.savefig(path, dpi=110)
    return path


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d1d1f; line-height: 1.45 }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.7rem; text-align: left;
         vertical-align: top }
td.n { text-align: right; font-variant-numeric: tabular-nums }
img { max-width: 100%; display: block; margin: 0.5rem 0 }
.note { color: #555; font-size: 0.92rem }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _rules_table(shares: Sequence[RuleShare]) -> str:
    if not shares:
        return '<p class="note">No autograded cell checks a rule here.</p>'
    rows = "".join(
        f"<tr><td><code>{_e(r.rule)}</code> ({_e(r.code)})</td>"
        f'<td class="n">{len(r.failed)} of {r.learners}</td>'
        f'<td class="n">{_e(percent_text(100 * r.share))}</td>'
        f'<td class="n">{len(r.not_attempted)}</td><td>{_e(r.guideline)}</td>'
        f"<td>{_e(r.lesson)}</td><td>{_e(', '.join(r.failed))}</td></tr>"
        for r in shares
    )
    return (
        "<table><tr><th>Rule</th><th>Failed</th><th>Share</th><th>Not attempted</th>"
        "<th>Guideline to reteach</th><th>Lesson</th><th>Learners who failed it</th></tr>"
        f"{rows}</table>"
    )


def _assignment_html(a: Assignment, scores_png: str | None, rules_png: str | None) -> str:
    parts = [f"<h2>{_e(a.name)}</h2>"]
    summary = f"{len(a.submissions)} submitted, {len(a.graded)} graded."
    if a.not_graded:
        summary += f" Could not be graded: {', '.join(a.not_graded)}."
    parts.append(f"<p>{_e(summary)}</p>")
    if a.graded:
        p = a.percents
        stats = (
            f"Mean {percent_text(statistics.fmean(p))}, median {percent_text(statistics.median(p))}, "
            f"lowest {percent_text(min(p))}, highest {percent_text(max(p))} of {points_text(a.max_score)} points."
        )
        parts.append(f"<p>{_e(stats)}</p>")
    if scores_png:
        alt = f"Histogram of the scores in {a.name}"
        parts.append(f'<img src="{_e(scores_png)}" alt="{_e(alt)}">')
    if rules_png:
        alt = f"Share of learners who failed each rule in {a.name}"
        parts.append(f'<img src="{_e(rules_png)}" alt="{_e(alt)}">')
    parts.append(_rules_table(a.rules()))
    learners = "".join(
        f"<tr><td>{_e(s.student)}</td>"
        f'<td class="n">{_e(points_text(s.score))} / {_e(points_text(s.max_score))}</td>'
        f'<td class="n">{_e(percent_text(s.percent)) if s.graded else "–"}</td>'
        f"<td>{_e(', '.join(s.failed_rules()) if s.graded else 'not graded')}</td></tr>"
        for s in a.submissions
    )
    parts.append(
        "<h3>Learners</h3><table><tr><th>Learner</th><th>Score</th><th>%</th>"
        f"<th>Rules failed</th></tr>{learners}</table>"
    )
    return "\n".join(parts)


def render_html(cohort: Cohort, images: dict[str, str]) -> str:
    """The report page; `images` maps 'rules', '<assignment>-scores' and '<assignment>-rules'
    to PNG file names next to the page."""
    title = f"Cohort report: {cohort.name}"
    body = [f"<h1>{_e(title)}</h1>"]
    body.append(
        f'<p class="note">Course {_e(cohort.course)}; read from the gradebook on '
        f"{_e(cohort.made.strftime('%Y-%m-%d %H:%M UTC'))}.</p>"
    )
    if cohort.everything:
        body.append("<h2>Rules to reteach, across all assignments</h2>")
        if "rules" in images:
            alt = "Share of learners who failed each rule, all assignments"
            body.append(f'<img src="{_e(images["rules"])}" alt="{_e(alt)}">')
        body.append(_rules_table(cohort.rules()))
    body.append(f'<p class="note">{_e(DEFINITION)}</p>')
    for a in cohort.assignments:
        if a.submissions:
            body.append(
                _assignment_html(a, images.get(f"{a.name}-scores"), images.get(f"{a.name}-rules"))
            )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


@dataclass(frozen=True)
class Written:
    html: Path
    images: tuple[Path, ...]


def write(cohort: Cohort, folder: Path) -> Written:
    """The HTML report and its PNG plots, in `folder` (the course's grades/)."""
    folder.mkdir(parents=True, exist_ok=True)
    images: dict[str, str] = {}
    paths: list[Path] = []

    def add(key: str, path: Path) -> None:
        images[key] = path.name
        paths.append(path)

    if cohort.everything:
        shares = cohort.rules()
        if shares:
            title = "All assignments: share of learners who failed each rule"
            add("rules", plot_rules(shares, title, folder / "cohort-rules.png"))
    for a in cohort.assignments:
        if not a.graded:
            continue
        add(f"{a.name}-scores", plot_scores(a, folder / f"{a.name}-scores.png"))
        shares = a.rules()
        if shares:
            path = folder / f"{a.name}-rules.png"
            title = f"{a.name}: share of learners who failed each rule"
            add(f"{a.name}-rules", plot_rules(shares, title, path))
    page = folder / f"{cohort.prefix}-report.html"
    page.write_text(render_html(cohort, images), encoding="utf-8")
    return Written(page, tuple(paths))
