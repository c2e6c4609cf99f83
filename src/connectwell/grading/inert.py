"""Learner output made inert before an instructor or a learner sees it as HTML.

An answer cell can display anything: HTML with <script> or onerror=, JavaScript, SVG with
script, Markdown with raw HTML, widget views, iframes. nbgrader's formgrader and
generate_feedback turn the autograded notebook into HTML with nbconvert's HTMLExporter, which
copies outputs into the page as they are (its sanitize_html is off by default). An instructor
who opened such a submission in the formgrader would run the learner's script in their own
Jupyter session, with their token. What this module holds, and who calls it:

InertOutputs   nbgrader preprocessor. nbgrader_config.py runs it in `nbgrader autograde` (so
               in `connectwell grade` too) after GuardedExecute and TrustedChecks, so what is
               written to the autograded notebook, which the formgrader and generate_feedback
               read, is already inert; and again in generate_feedback, for notebooks autograded
               before it existed. Every code cell's outputs keep the kinds that cannot act
               (plain text, PNG/JPEG/GIF, JSON, LaTeX, connectwell's own data); HTML and
               Markdown are sanitized to an allowlist; any other kind (JavaScript, SVG, widget
               views, ...) becomes plain text saying what it was. Notebook-level widget state
               goes, and so does output metadata nbconvert would turn into URLs or iframes.
sanitize_html  bleach (which nbconvert itself uses) with this module's allowlist. Tags and
               attributes outside it are escaped, not dropped, so the learner's text, markup
               included, stays readable as text.
clean_html, markdown2html   nbconvert filters, the second layer: nbgrader_config.py sets
               HTMLExporter.sanitize_html and points these two filters here, for the feedback
               and the formgrader (when it loads the course's nbgrader_config.py). nbconvert's
               own clean_html escapes <p> and <h1>, so every Markdown cell would show its tags;
               and nbgrader's feedback and formgrade templates render Markdown cells (which a
               learner can edit) through markdown2html without any clean_html.

connectwell's own results (connectwell.grading.Result.to_html) pass the allowlist unchanged in
appearance: divs and spans with cw- classes, data-check and colour, weight and indent styles.
What the allowlist gives up: images (they would load from anywhere), ids (a learner's id
could take the place of one the formgrader's scripts look up), classes other than connectwell's
and nbconvert's (Bootstrap's would let a learner hide or cover the page) and styles that
position, hide or cover. MathJax still typesets $...$ in the pages; nbconvert loads it with its
Safe extension, which drops javascript: links and the like.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any

from bleach.css_sanitizer import CSSSanitizer
from bleach.sanitizer import Cleaner
from nbconvert.filters import markdown2html as _render_markdown
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

# Output kinds that cannot act: the templates escape text and embed images as data: URLs.
INERT_MIMES = frozenset(
    {"text/plain", "text/latex", "application/json", "image/png", "image/jpeg", "image/gif"}
)
OURS = "application/vnd.connectwell."  # evidence and results: data nbconvert never renders
# Per-image metadata the templates read as sizes and alt text (escaped); everything else an
# output's metadata may hold (file names made into URLs, "isolated" iframes) is dropped.
IMAGE_METADATA = frozenset({"width", "height", "unconfined", "alt"})

TAGS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details"),
        *("div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins"),
        *("kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong"),
        *("sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt"),
        *("u", "ul", "var"),
    }
)
ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "*": frozenset({"style", "title"}),
    "a": frozenset({"href"}),
    "div": frozenset({"data-check", "data-rule"}),  # connectwell's results name their check
    "mark": frozenset({"data-rule"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
}
# connectwell's result classes, and those of nbconvert's Markdown and code highlighting
# (Pygments' token classes are one or two letters and a digit, or err, esc, hll, cpf). Not
# Bootstrap's, which the feedback and formgrader pages load: "hidden", "fade", "affix" or
# "modal-backdrop" would hide the page or cover it.
SAFE_CLASS = re.compile(
    r"(cw-[\w-]+|anchor-link|highlight|hl-[\w-]+|[a-z]{1,2}\d?|err|esc|hll|cpf)\Z"
)
# Most of what connectwell's own HTML uses. None of these takes a URL, or lets a box cover
# another: no position, display, visibility, z-index or transform, no background, and no
# margin but the left one (a negative top margin would pull a box over what is above it).
CSS_PROPERTIES = frozenset(
    {
        *("color", "font-weight", "font-style", "font-size", "text-decoration", "text-align"),
        *("white-space", "margin-left", "padding", "border-top", "border-radius"),
    }
)
PROTOCOLS = frozenset({"http", "https", "mailto"})  # bleach drops javascript:, data:, ...


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(SAFE_CLASS.match(token) for token in value.split())
    return name in ATTRIBUTES["*"] or name in ATTRIBUTES.get(tag, ())


_local = threading.local()  # bleach's Cleaner is not thread-safe; the formgrader may thread


def sanitize_html(html: str) -> str:
    """HTML with only the allowlist left active; anything else is escaped into text."""
    cleaner: Cleaner | None = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = Cleaner(
            tags=TAGS,
            attributes=_attribute_allowed,
            protocols=PROTOCOLS,
            strip=False,
            strip_comments=True,
            css_sanitizer=CSSSanitizer(allowed_css_properties=CSS_PROPERTIES),
        )
    return str(cleaner.clean(html))


def clean_html(element: str | bytes) -> str:
    """nbconvert's clean_html filter with this module's allowlist."""
    return sanitize_html(element.decode() if isinstance(element, bytes) else str(element))


def markdown2html(source: str) -> str:
    """nbconvert's markdown2html filter, sanitized. No cell attachments: images are not
    allowed anyway."""
    return sanitize_html(_render_markdown(str(source)))


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)  # nbformat's multi-line string
    return json.dumps(value, indent=1, ensure_ascii=False, default=str)


def inert_output(output: NotebookNode) -> NotebookNode:
    """One output, changed in place so that no part of it can act when rendered."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return output  # stream and error outputs are text, escaped by every template
    data = output.get("data") or {}
    kept: dict[str, Any] = {}
    as_text: list[str] = []
    for mime, value in data.items():
        if mime in INERT_MIMES or mime.startswith(OURS):
            kept[mime] = value
        elif mime not in ("text/html", "text/markdown"):
            # JavaScript, SVG, widget views, any kind some renderer might run: shown as text.
            as_text.append(f"[{mime} output, shown as text by the grader]\n{_as_text(value)}")
    # Markup stays markup, sanitized; Markdown is rendered first, as HTML only (the templates
    # would render Markdown again, unsanitized).
    if "text/html" in data:
        kept["text/html"] = sanitize_html(_as_text(data["text/html"]))
    elif "text/markdown" in data:
        kept["text/html"] = markdown2html(_as_text(data["text/markdown"]))
    if as_text:
        kept["text/plain"] = "\n".join([_as_text(kept.get("text/plain", "")), *as_text]).strip()
    output["data"] = NotebookNode(kept)
    metadata = output.get("metadata") or {}
    output["metadata"] = NotebookNode(
        {
            mime: NotebookNode({k: v for k, v in meta.items() if k in IMAGE_METADATA})
            for mime, meta in metadata.items()
            if mime.startswith("image/") and mime in kept and isinstance(meta, Mapping)
        }
    )
    return output


class InertOutputs(NbGraderPreprocessor):
    """Make every code cell's outputs inert, and drop the notebook's widget state."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        # Widget state is rendered by a widget manager that runs what it describes.
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                inert_output(output)
        return cell, resources
