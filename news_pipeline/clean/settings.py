"""Every tunable threshold of the cleaner, in one place.

Changing any value here can change cleaned output, so it must come with a new CLEAN_VERSION
(cleaner.py). Values were chosen on the five sample articles and on the shared
trafilatura-de evaluation pages (see evaluate.py), never on held-out data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CleanSettings:
    # --- line classes (jusText-style, adapted to plain text without link density) ---
    # A "good" line is prose: enough words and enough German/English function words.
    good_min_words: int = 10
    good_min_stop_density: float = 0.18
    # Long lines are prose even without a final punctuation mark (truncated scrapes).
    good_unpunctuated_min_words: int = 25
    # "Near good": shorter prose, kept when its neighbours are kept.
    near_good_min_words: int = 5
    near_good_min_stop_density: float = 0.15
    # Short lines up to this many words may be sub-headings when followed by prose.
    heading_max_words: int = 14
    # Policy/form/notice lines: at least this many distinct notice cues make a line boilerplate.
    notice_min_cues: int = 3
    # Lines up to this many words that address the reader ("Sie", "du") and carry one more
    # notice cue are calls to action (subscribe, follow, share), not article prose.
    cta_max_words: int = 30
    # Lines up to this many words that address the reader and name the site or the article
    # ("Besuchen Sie unseren Shop!", "Noch mehr Infos für dich") are self-promotion.
    self_promo_max_words: int = 10

    # --- main-content window (maximum-sum segment over line scores) ---
    score_good_per_word: float = 1.0
    score_near_good_per_word: float = 0.5
    score_short: float = -2.0
    # Short lines of more words are content-like (list items, captions, short paragraphs),
    # unlike menu items (1-3 words): they score per word instead of the flat penalty.
    menu_item_max_words: int = 3
    score_short_per_word: float = 0.3
    # Inside a window keep every line that is not boilerplate (else only headings and short
    # sentences between prose).
    keep_all_in_window: bool = True
    score_bad: float = -4.0
    # Each further non-prose line in a row costs this much more (relative): a long gap of
    # menus/teasers separates the article from sidebar prose more than scattered short lines.
    gap_growth: float = 0.5
    # Further windows are kept when their score reaches this share of the best one.
    extra_window_min_share: float = 0.35
    # A prose paragraph before the main window, separated from it by at most this many
    # buttons (lines of up to menu_item_max_words words) or boilerplate lines, is the
    # article's lead when this share of its content words recurs in the window.
    lead_max_gap: int = 8
    lead_min_topic_share: float = 0.5
    # A comment-section heading ends the article once this many prose words precede it.
    tail_cut_min_words_before: int = 40

    # The learned line classifier (linemodel.py, weights from train_lines.py) makes the final
    # keep decision for text, with the rules' decision as one of its features.
    learned_lines: bool = True
    # ... on texts of at least this many lines: it was trained on whole web pages, and its
    # context features (window position, neighbours) say nothing about a text of a few lines
    # (an already extracted article), where the rules decide alone.
    learned_lines_min_lines: int = 10

    # --- duplicates ---
    # Word-3-gram Jaccard at or above which two paragraphs are the same paragraph.
    near_duplicate_jaccard: float = 0.8
    # A paragraph contained in an earlier/later one is a duplicate if it has this many words.
    contained_duplicate_min_words: int = 5

    # --- metadata ---
    # Lines searched for title, kicker, section and dateline before the body starts.
    header_max_lines: int = 8
    title_max_words: int = 25
    section_max_words: int = 3
    language_min_stop_share: float = 0.12

    # --- learnt per-source boilerplate ---
    # A line is boilerplate for a source when it occurs in at least this many of its articles
    learn_min_docs: int = 3
    # ... and in at least this share of them (protects same-story updates in big sources).
    learn_min_share: float = 0.05
    # Lines longer than this are not learnt (they are article text, not site furniture).
    learn_max_chars: int = 1500
    # Shorter normalised lines are too generic to be learnt ("0", "a").
    learn_min_chars: int = 2

    # --- HTML pages ---
    # Below this many characters the extractor's result is treated as a failure and the
    # text-mode cleaner runs on the flattened page instead.
    html_min_extracted_chars: int = 250


DEFAULT_SETTINGS = CleanSettings()
