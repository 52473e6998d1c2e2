"""Small closed word lists the line classifier uses as features.

These are language vocabulary, not strings of particular sites: function words (prose has
many, menus and link lists few), and the generic words German/English web pages use for
their furniture (comment sections, related-links blocks, ads, consent notices, photo credits).
"""

from __future__ import annotations

import re


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


GERMAN_STOPWORDS = _wordset(
    """
    aber alle allem allen aller alles als also am an ander andere anderen anderer anderes
    auch auf aus bei beim bereits bin bis bisher bist da dabei damit dann darauf darin
    darum das dass daß dazu dein deine dem den denen denn der deren des deshalb dessen die
    dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer
    eines einige einmal er es etwa etwas euch euer für gab gegen gewesen habe haben hat
    hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im
    immer in indem ins ist ja jedoch jetzt kann kein keine keinem keinen keiner können
    könnte man mehr mein meine mich mir mit muss musste nach nachdem nicht nichts noch nun
    nur ob oder ohne schon sehr sei seien sein seine seinem seinen seiner seit selbst sich
    sie sind so soll sollen sollte sondern sowie über um und uns unser unter viel vom von
    vor wann war waren warum was weil weiter welche welchem welchen welcher wenn wer werde
    werden wie wieder will wir wird wo wollen worden wurde wurden zu zum zur zwar zwischen
    """
)
ENGLISH_STOPWORDS = _wordset(
    """
    a about after all also an and any are as at be been before but by can could did do
    does for from had has have he her his how i if in into is it its just more most my no
    not of on one only or other our out over she should so some such than that the their
    them then there these they this those through to up was we were what when which while
    who will with would you your
    """
)

# Short lines announcing the comment section: everything after it is reader content/forms.
COMMENT_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:leser)?(?:kommentare?|kommentieren|comments?|diskussion|"
    r"leave a (?:reply|comment)|schreibe?n? (?:sie )?einen kommentar|(?:ihre|deine) meinung|"
    r"kommentar (?:schreiben|verfassen|hinzufügen)|antwort hinterlassen|"
    r"hinterlasse(?:n sie)? einen kommentar)(?:\s*\(\d+\))?\s*:?$",
    re.IGNORECASE,
)
# Headings of related-content blocks and link lists ("Siehe auch …" also prefixes a link).
RELATED_HEADING = re.compile(
    r"^(?:siehe auch|weitere (?:nachrichten|artikel|meldungen|beiträge|themen|news)|"
    r"verwandte (?:themen|artikel|beiträge)|ähnliche (?:artikel|beiträge|themen)|"
    r"mehr (?:zum thema|dazu|aus dem ressort|news)|das könnte (?:sie|dich) auch interessieren|"
    r"auch interessant|lesen sie (?:auch|mehr)|meistgelesen|related(?: posts| articles)?|"
    r"read more|you may also like)\b",
    re.IGNORECASE,
)
# One-word (or tiny) ad markers.
AD_MARKER = re.compile(
    r"^[-–—\s]*(?:werbung|anzeige|advertisement|sponsored|gesponsert|promotion|ad)[-–—\s]*$",
    re.IGNORECASE,
)
# Photo/video credits: "(Bild: AFP)", "Foto: dpa", "© Reuters".
CREDIT = re.compile(
    r"(?:\((?:bild|bilder|foto|fotos|grafik|video|symbolbild|quelle|image|photo|credit)s?\s*:"
    r"[^()]{1,80}\)\s*$)|(?:^(?:bild|foto|fotos|grafik|symbolbild|image|photo)\s*:\s*\S.{0,80}$)"
    r"|(?:^©)|(?:©\s*[\w .&/-]{1,60}$)",
    re.IGNORECASE,
)
# Vocabulary of notices, policies and forms (comment rules, newsletters, cookies, logins).
# A line needs several distinct cues, so one "Sie" in a quote does not make it a notice.
_I = re.IGNORECASE
NOTICE_CUES = {
    # Formal address only (capitalised, not at a sentence start): "sie" is also she/they.
    "address": re.compile(r"(?<=[a-zäöüß,] )(?:Sie|Ihnen|Ihre?[mnrs]?)\b"),
    "informal": re.compile(r"\b(?:deine?[mnrs]?|dich|dir)\b", _I),
    "comment": re.compile(r"kommentar|beiträge?\b|\bposting|diskussionsforum|\bforum", _I),
    "rules": re.compile(r"netiquette|\bagb\b|nutzungsbedingung|richtlinie|moderation|moderiert", _I),
    "privacy": re.compile(r"datenschutz|cookie|einwilligung|zustimm|tracking|e-mail-adresse", _I),
    "account": re.compile(r"anmelden|einloggen|\blogin\b|registrier|abonnier|newsletter|\bkonto\b", _I),
    "form": re.compile(r"pflichtfeld|erforderliche felder|markiert|\babsenden\b|eingabe", _I),
    "community": re.compile(r"community|\buser\b|nutzer|leserinnen|leser,|redaktion|team\b", _I),
    "legal": re.compile(r"distanziert|rechtsverfolgung|haftung|urheberrecht|alle rechte", _I),
    "availability": re.compile(r"zur verfügung|wieder wie gewohnt|vorübergehend|deaktiviert", _I),
}
# The page speaking about itself: the site ("uns", "unser Shop"), this article or its
# channels. With an address to the reader in a short line it is a call to action
# ("Folgen Sie uns auf", "Gefällt Ihnen dieser Artikel?"), not article prose.
SITE_SELF = re.compile(
    r"\b(?:uns|unsere?[mnrs]?|artikel|beitrag|seite|website|newsletter|infos?|shop)\b", _I
)
# Lines made of UI widget names and player/time controls rather than words.
UI_TOKEN = re.compile(
    r"^(?:[a-z]+(?:_[a-z0-9]+)+|\d{1,2}:\d{2}(?::\d{2})?|\d+(?:[.,]\d+)?x|[/|•·»›>→←<‹«+-]+|"
    r"loading\.*|laden\.*|lädt\.*|\w+\.\.\.|\w+…)$",
    re.IGNORECASE,
)
_TOP_LEVEL = r"(?:de|at|ch|com|net|org|eu|info|news|tv|fm|li|lu|it|fr|uk|io|ru|ua|biz)\b"
DOMAIN = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+" + _TOP_LEVEL, re.IGNORECASE)
# Every DOMAIN match ends with a dot and a top-level domain: a text without one has no
# domain, and this search is cheap (it skips to each dot), unlike DOMAIN's own.
DOT_TOP_LEVEL = re.compile(r"\." + _TOP_LEVEL, re.IGNORECASE)
