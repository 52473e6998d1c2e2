"""Scraped article (text with HTML fragments, plain text dump, or HTML page) -> CleanedDocument.

Text: repair markup -> unescape/fix Unicode -> logical lines -> classify lines -> pick the
main-content run(s) -> metadata from the lines before the body -> drop duplicates and the
repeated title. HTML pages: trafilatura, then the same duplicate/boilerplate pass; if the
extractor finds too little, the page is flattened and cleaned as text.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from news_pipeline.clean.boilerplate import BoilerplateModel, article_source
from news_pipeline.clean.classify import (
    Kind,
    classify_lines,
    decide_by_rules,
    lead_paragraph,
)
from news_pipeline.clean.dedup import remove_duplicates, repeated_non_sentences, strip_title
from news_pipeline.clean.document import CleanedDocument
from news_pipeline.clean.htmlpage import extract_page
from news_pipeline.clean.linemodel import line_features, shipped_model
from news_pipeline.clean.lines import Line, to_lines
from news_pipeline.clean.markup import (
    fix_text,
    html_page_to_text,
    looks_like_html_page,
    markup_to_text,
)
from news_pipeline.clean.metadata import (
    detect_language,
    find_source,
    parse_dateline,
    read_header,
)
from news_pipeline.clean.settings import DEFAULT_SETTINGS, CleanSettings

log = logging.getLogger(__name__)

# Bump on every change that can change output (code, settings, word lists, extractor use).
# clean-1.3: learnt boilerplate looked up by article_source on HTML pages too; the pipeline
# stores kicker, section and published_at in UTC.
# clean-1.4: self-promotion lines are boilerplate; a text window ends at its last prose
# paragraph or full-stop sentence (teaser headlines after the article are cut); further
# windows need 35 % of the best window's score (was 25 %).
# clean-1.6: text-dump fragments glued without a space after "(" or "„" and before a
# compound's "-tail" (1.5 also glued letters at a seam without whitespace: wrong for
# extractor output and hard-wrapped text, where line ends are stripped).
# clean-1.7: a zero-count comment heading ("0 Kommentare") does not cut the page.
# clean-1.8: text lines are kept by the learned line classifier (linemodel.py, weights
# line_model.json from train_lines.py) over the rules' features and decision; retraining
# the weights changes output, so it needs a new version too.
# clean-1.9: a lead paragraph split off the main window by buttons/credits is kept; the
# headline is the header line the page title repeats (not one a lower-case line continues);
# kept "notice" lines are not deduplicated against themselves; short datelines leave the
# body; a straight quote after a space and a closing-quote-only piece glue to the line.
CLEAN_VERSION = "clean-1.9"
# On the extractor's output only unambiguous boilerplate shapes are dropped: its lines are
# already main content, and e.g. tables (rendered with "|") or form help text are wanted.
_HTML_DROP_REASONS = frozenset({"learnt", "ui", "ad", "id", "no-words"})
# Per-source learnt boilerplate and comment sections override the learned line classifier.
_NEVER_KEEP = frozenset({"learnt", "comment-section"})


def clean_article(
    raw: str,
    *,
    path_hint: str | None = None,
    boilerplate: BoilerplateModel | None = None,
    settings: CleanSettings = DEFAULT_SETTINGS,
) -> CleanedDocument:
    """Body text and metadata of one scraped article. Never raises on any str input:
    an internal failure yields an empty document with an "internal-error" warning."""
    try:
        if looks_like_html_page(raw, path_hint):
            return _clean_html(raw, path_hint, boilerplate, settings)
        text = fix_text(markup_to_text(raw))
        return _clean_text(text, raw, path_hint, boilerplate, settings)
    except Exception as error:  # last resort: one bad article must not stop a pipeline run
        log.exception("cleaner failed on %s", path_hint)
        return CleanedDocument(text="", warnings=(f"internal-error: {type(error).__name__}",))


def _clean_text(
    text: str,
    raw: str,
    path_hint: str | None,
    boilerplate: BoilerplateModel | None,
    settings: CleanSettings,
    warnings: Sequence[str] = (),
) -> CleanedDocument:
    lines = to_lines(text)
    texts = [line.text for line in lines]
    source = article_source(raw, path_hint)
    learnt = boilerplate.for_source(source) if boilerplate else frozenset()
    rules = decide_by_rules(lines, settings, learnt)
    infos, keep = rules.infos, rules.keep
    if settings.learned_lines and len(lines) >= settings.learned_lines_min_lines:
        # The rules' decision is one feature of the learned classifier, which has the final
        # word; lines learnt as this source's boilerplate stay out whatever it says, and if
        # it keeps nothing the rules' body stands (an empty article is the worse error).
        predicted = shipped_model().keep(line_features(lines, rules))
        keep = [i for i in predicted if infos[i].reason not in _NEVER_KEEP] or keep
        lead = lead_paragraph(texts, infos, rules.windows, settings)
        if lead is not None and lead not in keep:
            keep = sorted([*keep, lead])
    # The header (title, kicker, dateline) ends where the prose starts: short lines that
    # the content window took in before the first paragraph are header candidates too.
    first_body = next((i for i in keep if infos[i].kind in (Kind.GOOD, Kind.NEAR)), len(lines))
    learnt_idx = [i for i, info in enumerate(infos) if info.reason == "learnt"]
    header = read_header(texts, first_body, settings, excluded=learnt_idx)
    # A dateline or byline the window took in after the first paragraph ("von X am 14. Mai
    # 2014, 15:40 Uhr") is metadata, as it is in the header: short lines only, not prose.
    body = [texts[i] for i in keep if i not in header.used
            and not (infos[i].kind is Kind.SHORT and parse_dateline(texts[i]))]
    body_set = set(keep)
    body = _dedup(body, lines, infos, settings, kept=body_set)
    body = strip_title(body, header.title)
    body_text = "\n\n".join(body)
    outside = [t for i, t in enumerate(texts) if i not in body_set]
    found = find_source(outside) or find_source(body)
    out_warnings = list(warnings)
    if not body_text:
        out_warnings.append("no-body-text")
    if header.title is None:
        out_warnings.append("no-title")
    return CleanedDocument(
        text=body_text,
        title=header.title,
        published_at=header.published_at,
        source=source or found,
        language=detect_language(body, settings),
        warnings=tuple(out_warnings),
        kicker=header.kicker,
        section=header.section,
        learnt_source=source,
    )


def _dedup(
    body: list[str], lines: Sequence[Line], infos: Sequence, settings: CleanSettings,
    kept: Collection[int] = (),
) -> list[str]:
    # A "notice" line (counted policy words) that the learned classifier kept is prose, not
    # boilerplate: as such it would remove itself (each line is contained in itself).
    # A photo credit stays boilerplate whoever kept it: its caption is not article text.
    bad = [line.text for i, (line, info) in enumerate(zip(lines, infos))
           if info.kind is Kind.BAD and info.reason in ("credit", "learnt", "notice")
           and not (info.reason == "notice" and i in kept)]
    repeated = repeated_non_sentences([line.text for line in lines])
    return remove_duplicates(body, settings, boilerplate=bad, repeated_keys=repeated)


def _clean_html(
    raw: str, path_hint: str | None, boilerplate: BoilerplateModel | None, settings: CleanSettings
) -> CleanedDocument:
    page = extract_page(raw)
    if page is None or len(page.text) < settings.html_min_extracted_chars:
        # The extractor found (almost) nothing: clean the flattened page as text instead.
        fallback = _clean_text(html_page_to_text(raw), raw, path_hint, boilerplate, settings,
                               warnings=("html-extractor-empty: cleaned as text",))
        if page is None or len(fallback.text) > len(page.text):
            return fallback
    learnt_source = article_source(raw, path_hint)
    source = page.source or learnt_source
    lines = to_lines(fix_text(page.text))
    # Learnt lines are looked up under the source that learning filed this page under
    # (article_source), not the extractor's site name: the two can differ.
    learnt = boilerplate.for_source(learnt_source) if boilerplate else frozenset()
    infos = classify_lines(lines, settings, learnt)
    # The extractor already chose the main content; only drop lines that are boilerplate
    # by shape or learnt, and duplicates.
    body = [line.text for line, info in zip(lines, infos)
            if not (info.kind is Kind.BAD and info.reason in _HTML_DROP_REASONS)]
    body = strip_title(_dedup(body, lines, infos, settings), page.title)
    body_text = "\n\n".join(body)
    return CleanedDocument(
        text=body_text,
        title=page.title,
        published_at=page.published_at,
        source=source,
        language=detect_language(body, settings),
        warnings=() if body_text else ("no-body-text",),
        section=page.section,
        learnt_source=learnt_source,
    )
