"""The German words that attribute speech, and the closed word lists the extractor leans on.

All entries are lower-case token forms as the NER segmenter produces them (spaCy's German
tokenizer keeps hyphenated compounds such as "Kreml-Angaben" whole). docs/quotes.md explains
how each group is used.
"""

from __future__ import annotations

from functools import cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _forms(table: dict[str, str]) -> dict[str, str]:
    """{"lemma": "form form ..."} -> {form: lemma}."""
    return {form: lemma for lemma, forms in table.items() for form in forms.split()}


# Verbs of saying whose content is a clause ("sagte, dass ...", "sagte, er sei ...") or, in
# inverted order, precedes them ("..., sagte sie."). Present, past (singular and plural),
# participle; the plural present doubles as the infinitive.
SPEECH_VERBS = _forms({
    "sagen": "sagt sagte sagten sagen gesagt",
    "erklären": "erklärt erklärte erklärten erklären",
    "betonen": "betont betonte betonten betonen",
    "schreiben": "schreibt schrieb schrieben schreiben geschrieben",
    "berichten": "berichtet berichtete berichteten berichten",
    "melden": "meldet meldete meldeten melden gemeldet",
    "vermelden": "vermeldet vermeldete vermeldeten",
    "erzählen": "erzählt erzählte erzählten erzählen",
    "schildern": "schildert schilderte schilderten schildern geschildert",
    "warnen": "warnt warnte warnten warnen gewarnt",
    "meinen": "meint meinte meinten gemeint",
    "fordern": "fordert forderte forderten fordern gefordert",
    "verlangen": "verlangt verlangte verlangten",
    "kritisieren": "kritisiert kritisierte kritisierten kritisieren",
    "bekräftigen": "bekräftigt bekräftigte bekräftigten bekräftigen",
    "versichern": "versichert versicherte versicherten versichern",
    "beteuern": "beteuert beteuerte beteuerten beteuern",
    "behaupten": "behauptet behauptete behaupteten behaupten",
    "bestätigen": "bestätigt bestätigte bestätigten bestätigen",
    "bestreiten": "bestreitet bestritt bestritten bestreiten",
    "dementieren": "dementiert dementierte dementierten dementieren",
    "unterstreichen": "unterstreicht unterstrich unterstrichen",
    "ergänzen": "ergänzt ergänzte ergänzten ergänzen",
    "erläutern": "erläutert erläuterte erläuterten erläutern",
    "verkünden": "verkündet verkündete verkündeten verkünden",
    "antworten": "antwortet antwortete antworteten antworten geantwortet",
    "entgegnen": "entgegnet entgegnete entgegneten entgegnen",
    "mahnen": "mahnt mahnte mahnten mahnen gemahnt",
    "versprechen": "verspricht versprach versprachen versprechen versprochen",
    "beschuldigen": "beschuldigt beschuldigte beschuldigten beschuldigen",
    "zitieren": "zitiert",
    "twittern": "twittert twitterte twitterten getwittert",
    "verweisen": "verweist verwies verwiesen verweisen",
    "erinnern": "erinnert erinnerte erinnerten",
    "fragen": "fragt fragte fragten gefragt",
    "rufen": "ruft rief riefen rufen gerufen",
    "skandieren": "skandiert skandierte skandierten skandieren",
    "klagen": "klagt klagte klagten",
    "beklagen": "beklagt beklagte beklagten beklagen",
    "argumentieren": "argumentiert argumentierte argumentierten argumentieren",
    "raten": "rät riet rieten",
    "verraten": "verrät verriet verrieten",
    "empfehlen": "empfiehlt empfahl empfahlen empfohlen",
    "appellieren": "appelliert appellierte appellierten",
    "resümieren": "resümiert resümierte resümierten",
    "bilanzieren": "bilanziert bilanzierte bilanzierten",
    "konstatieren": "konstatiert konstatierte konstatierten",
    "folgern": "folgert folgerte folgerten",
    "erwidern": "erwidert erwiderte erwiderten",
    "kontern": "kontert konterte konterten",
    "bemerken": "bemerkt bemerkte bemerkten",
    "bekennen": "bekennt bekannte bekannten",
    "gestehen": "gesteht gestand gestanden",
    "monieren": "moniert monierte monierten",
    "bemängeln": "bemängelt bemängelte bemängelten",
    "beanstanden": "beanstandet beanstandete beanstandeten",
    "präzisieren": "präzisiert präzisierte präzisierten",
    "kommentieren": "kommentiert kommentierte kommentierten",
    "prophezeien": "prophezeit prophezeite prophezeiten",
    "scherzen": "scherzt scherzte scherzten",
    "witzeln": "witzelt witzelte witzelten",
    "spotten": "spottet spottete spotteten",
    "schimpfen": "schimpft schimpfte schimpften",
    "schwärmen": "schwärmt schwärmte schwärmten",
    "jubeln": "jubelt jubelte jubelten",
    "beten": "betet betete beteten",
    "posten": "postet postete posteten",
    "äußern": "äußert äußerte äußerten geäußert",
    # "„...“, begründete X seine Entscheidung", "„...“, betitelte X ein Foto": with a
    # quotation, a Konjunktiv or a dass-clause only (not STRONG)
    "begründen": "begründet begründete begründeten",
    "betiteln": "betitelt betitelte betitelten",
    # "X begrüßte die Entscheidung": a speech act whose object is no content (VOICE_ONLY)
    "begrüßen": "begrüßt begrüßte begrüßten",
})

# Verbs that mostly take an object, and so count as a cue only when the object holds a
# quotation ("lobte die Einigung als „Durchbruch“", "sprach von einem „schwarzen Tag“"), or,
# for bezeichnen, an "als" predicate ("bezeichnete sie als Kampf für Souveränität").
OBJECT_VERBS = _forms({
    "bezeichnen": "bezeichnet bezeichnete bezeichneten bezeichnen",
    "nennen": "nennt nannte nannten nennen genannt",
    "loben": "lobt lobte lobten loben gelobt",
    "sprechen": "spricht sprach sprachen sprechen gesprochen",
    "erwähnen": "erwähnt erwähnte erwähnten",
    "beschreiben": "beschreibt beschrieb beschrieben",
    "verurteilen": "verurteilt verurteilte verurteilten",
})
ALS_PREDICATE = frozenset({"bezeichnen", "beschreiben"})

# "zeigte sich „besorgt“": an attitude said in public; a cue only with a quoted word.
SICH_ZEIGEN = frozenset({"zeigt", "zeigte", "zeigten", "zeigen"})
# "„...“, weiß X", "„...“, zeigte sich X zuversichtlich": verbs of knowing and attitude that
# attribute only a quotation in marks standing right before them in inverted order (never
# "X weiß, dass ...", a mental state).
INVERTED_ONLY = frozenset({"weiß", "wusste", "wussten"}) | SICH_ZEIGEN

# Separable verbs: the finite stem in a main clause, whose particle closes the clause
# ("teilte ... mit", "wies darauf hin"). A stem can belong to several verbs ("gab ... an",
# "gab ... bekannt"), so each maps to its particles.
SEPARABLE_STEMS: dict[str, dict[str, str]] = {}
for _lemma, _particle, _stems in (
    ("mitteilen", "mit", "teilt teilte teilten teilen"),
    ("hinzufügen", "hinzu", "fügt fügte fügten"),
    ("ankündigen", "an", "kündigt kündigte kündigten kündigen"),
    ("einräumen", "ein", "räumt räumte räumten räumen"),
    ("hinweisen", "hin", "weist wies wiesen"),
    ("anmerken", "an", "merkt merkte merkten"),
    ("hervorheben", "hervor", "hebt hob hoben"),
    ("vorwerfen", "vor", "wirft warf warfen werfen"),
    ("angeben", "an", "gibt gab gaben"),
    ("bekanntgeben", "bekannt", "gibt gab gaben"),
    ("zugeben", "zu", "gibt gab gaben"),
    ("ausführen", "aus", "führt führte führten"),
    ("festhalten", "fest", "hält hielt hielten"),
    ("klarstellen", "klar", "stellt stellte stellten"),
    ("zusichern", "zu", "sichert sicherte sicherten"),
    ("aufrufen", "auf", "ruft rief riefen"),
    ("auffordern", "auf", "fordert forderte forderten fordern"),
    ("vorschlagen", "vor", "schlägt schlug schlugen"),
    ("feststellen", "fest", "stellt stellte stellten"),
    ("hervorgehen", "hervor", "geht ging"),
    ("zurückweisen", "zurück", "weist wies wiesen weisen"),
    ("einwenden", "ein", "wendet wandte wandten"),
    ("einwerfen", "ein", "wirft warf warfen"),
    ("anfügen", "an", "fügt fügte fügten"),
    ("darlegen", "dar", "legt legte legten"),
    ("klarmachen", "klar", "macht machte machten"),
    ("vorhalten", "vor", "hält hielt hielten"),
    ("zugestehen", "zu", "gesteht gestand gestanden"),
    ("eingestehen", "ein", "gesteht gestand gestanden"),
    ("nachlegen", "nach", "legt legte legten"),
    ("ausdrücken", "aus", "drückt drückte drückten"),
    ("ablehnen", "ab", "lehnt lehnte lehnten"),
):
    for _stem in _stems.split():
        SEPARABLE_STEMS.setdefault(_stem, {})[_particle] = _lemma

# Speech acts whose object is no reported content ("lehnte den Vorschlag kategorisch ab",
# "lehnte es ab, zu zahlen"): they claim nothing, but their speaker is the voice of the
# Konjunktiv sentences that follow.
VOICE_ONLY = frozenset({"ablehnen", "begrüßen"})

# The same verbs written as one word: participles, and finite forms at the end of a
# subordinate clause ("wie die Polizei mitteilte").
SEPARABLE_WHOLE = _forms({
    "mitteilen": "mitgeteilt mitteilte mitteilten",
    "hinzufügen": "hinzugefügt hinzufügte",
    "ankündigen": "angekündigt ankündigte ankündigten",
    "einräumen": "eingeräumt einräumte einräumten",
    "hinweisen": "hingewiesen hinwies hinwiesen",
    "anmerken": "angemerkt anmerkte",
    "hervorheben": "hervorgehoben hervorhob",
    "vorwerfen": "vorgeworfen vorwarf vorwarfen",
    "angeben": "angegeben angab angaben",
    "bekanntgeben": "bekanntgegeben bekanntgab",
    "zugeben": "zugegeben zugab",
    "ausführen": "ausgeführt ausführte",
    "festhalten": "festgehalten festhielt",
    "klarstellen": "klargestellt klarstellte",
    "zusichern": "zugesichert zusicherte",
    "aufrufen": "aufgerufen aufrief",
    "auffordern": "aufgefordert aufforderte",
    "vorschlagen": "vorgeschlagen vorschlug",
    "feststellen": "festgestellt feststellte",
    "zurückweisen": "zurückgewiesen zurückwies zurückwiesen",
    "einwenden": "eingewandt einwandte",
    "einwerfen": "eingeworfen einwarf",
    "anfügen": "angefügt anfügte",
    "darlegen": "dargelegt darlegte",
    "klarmachen": "klargemacht klarmachte",
    "vorhalten": "vorgehalten vorhielt",
    "zugestehen": "zugestanden zugestand",
    "eingestehen": "eingestanden eingestand",
    "ausdrücken": "ausgedrückt ausdrückte ausdrückten",
})

# Cues whose bare use in inverted order ("..., sagte X") is reported speech whatever the
# mood; the others ("..., warnte X") need a Konjunktiv, a quotation or a dass-clause in the
# content, because they also take plain objects.
STRONG = frozenset({
    "sagen", "erklären", "betonen", "schreiben", "berichten", "melden", "meinen", "bekräftigen",
    "versichern", "behaupten", "unterstreichen", "ergänzen", "erläutern", "antworten",
    "entgegnen", "mitteilen", "hinzufügen", "hinweisen", "anmerken", "einräumen", "zitieren",
    "twittern", "heißen", "so", "verraten", "erzählen", "schildern", "beteuern", "bestätigen",
    "verkünden", "ankündigen", "bilanzieren", "resümieren", "konstatieren", "kommentieren",
    "präzisieren", "erwidern", "kontern", "scherzen", "bemerken", "klarstellen", "zugeben",
    "ausführen", "darlegen", "äußern",
})

# "heißt es", "hieß es": reported speech without a named subject.
HEISSEN = frozenset({"heißt", "hieß"})

# Source phrases: "laut X", "X zufolge", "nach Angaben (des|von|aus) X", "nach X-Angaben".
LAUT = "laut"
ZUFOLGE = "zufolge"
ANGABEN_NOUNS = frozenset({"angaben", "informationen", "darstellung", "aussagen", "worten",
                           "aussage", "auskunft"})
OWN = frozenset({"eigenen", "eigener"})  # "nach eigenen Angaben", "nach eigener Aussage"
# "seinen Angaben nach", "nach ihren Worten": the person named before
POSSESSIVES = frozenset({"seinen", "seiner", "ihren", "ihrer"})
# A man or woman the text introduces without a name ("Der Mann veröffentlicht ..."): as the
# subject opening a sentence, the antecedent of a later "er"/"sie".
UNNAMED_PERSONS = {"mann": "m", "frau": "f"}
ANGABEN_SUFFIX = "angaben"  # "Kreml-Angaben", "Polizeiangaben"
# Relative source words: "ein Börsenblatt-Bericht, demzufolge Fenwick ... entwickle", "Berichte,
# wonach ...": the noun before the comma is the source, the clause after is the content.
RELATIVE_SOURCES = frozenset({"demzufolge", "denenzufolge", "wonach"})
# Sources that are not speakers: "den neuesten Daten zufolge" reports a measurement, "so
# die Hoffnung" an expectation.
NON_SPEAKERS = frozenset({
    "daten", "zahlen", "statistik", "statistiken", "umfrage", "umfragen", "schätzung",
    "schätzungen", "prognose", "prognosen", "berechnungen", "messungen", "plan", "fahrplan",
    "gesetz", "modell", "wetterbericht", "hoffnung", "idee", "ziel", "devise", "logik",
    "kalkül", "theorie", "rechnung", "überlegung", "vorstellung", "annahme",
})
# ... also as the head of a compound ("laut Marktprognosen", "den Fallzahlen zufolge"); not
# "daten", the ending of "Kandidaten" and "Soldaten".
NON_SPEAKER_HEADS = ("prognose", "prognosen", "umfrage", "umfragen", "statistik", "statistiken",
                     "schätzung", "schätzungen", "rechnung", "rechnungen", "berechnungen",
                     "messungen", "zahlen", "-daten", "modell", "modellen", "fahrplan", "gesetz")


def non_speaker(head: str) -> bool:
    """Does a source phrase with this head noun name a measurement or an expectation?"""
    return head in NON_SPEAKERS or head.endswith(NON_SPEAKER_HEADS)


# What may follow the speaker of "..., so X": "so X weiter", "so X gegenüber der Zeitung",
# "so X in einer Mitteilung", "so X nach dem Spiel", "so X über ...".
SO_FOLLOWERS = frozenset({"weiter", "gegenüber", "in", "im", "am", "beim", "bei", "nach",
                          "über", "auf", "zum", "zur", "vor", "mit", "abschließend"})
# Nouns that name what is said, not who says it ("Sein Fazit: „...“", "Ernster Nachsatz:
# „...“"): the speaker of such a quotation is the one before.
LABEL_NOUNS = frozenset({"fazit", "nachsatz", "antwort", "begründung", "botschaft", "kommentar",
                         "reaktion", "motto", "devise", "zitat", "appell", "forderung", "warnung",
                         "prognose", "einschätzung", "urteil", "credo", "ansage", "bilanz",
                         "kritik", "aussage", "worte", "losung", "analyse", "diagnose"})
# "laut" is also the adjective "loud": not a cue after these.
LAUT_ADJECTIVE_BEFORE = frozenset({"so", "zu", "sehr", "ganz", "recht", "ziemlich", "besonders",
                                   "war", "ist", "wurde", "wird", "und", "nicht", "immer"})

# Konjunktiv I (and the Konjunktiv II forms of reported speech) in the third person. Only
# Konjunktiv I marks a sentence without a cue as continuing reported speech; both accept a
# clause after "sagte," as reported content.
KONJUNKTIV_I = _words("""
sei seien habe werde könne müsse solle wolle dürfe möge wisse gebe gehe komme stehe liege
zeige brauche bleibe handle halte lasse sehe trage arbeite plane bestehe fehle führe diene
gelte stelle mache nehme finde spiele rechne unterstütze verfüge erwarte hoffe lehne biete
bedeute betrage drohe entspreche erfolge falle folge gehöre heiße laufe leide lege nutze
passe reiche richte schaffe scheine setze sorge spreche steige suche tue verlange verliere
versuche wachse wirke ziele schätze beabsichtige befinde beginne benötige bereite denke ende
entwickle erhalte erreiche fordere gewinne glaube kenne koste lebe lerne liefere schütze
sende sinke strebe teile treffe verbessere verhandle verstehe wünsche zahle behalte verdiene
verspreche gewähre gelinge geschehe herrsche kehre kläre lohne melde öffne prüfe rede sage
schreibe sitze spüre stimme trete vertrete verweise warte weise zwinge ändere erkläre kämpfe
leiste bemühe bringe dränge erlaube fürchte hänge teste investiere produziere reagiere
profitiere akzeptiere kontrolliere existiere funktioniere garantiere informiere konzentriere
operiere reduziere verhindere baue kaufe verkaufe wähle zähle hole schicke spare sichere
erhöhe senke kürze streiche schließe beende starte stoppe blockiere stärke schwäche verlasse
betreffe beziehe entstehe gelange übernehme unternehme vermeide verfolge ermögliche erfülle
erwäge bedrohe belaste nenne bekomme bestimme bewerte beschreibe betone bitte danke
begrüße bedauere entscheide beschließe verbiete erfordere betreibe entlasse gestalte trenne
fließe mangle stamme stecke scheitere verändere verbinde verlaufe vermittle verschlechtere
verzichte ziehe greife rufe zweifle frage antworte warne meine wohne fahre fliege sterbe
bewege verschiebe verwende handele sammle wechsle bezahle erinnere rate berichte empfehle
vergesse wiege ergebe gebe verlaufe vertraue verweigere widerspreche behaupte bestreite
obliege unterliege erhole kümmere ermittle erscheine verbleibe belaufe überwiege verstoße
bedürfe vermöge genüge bestätige begründe benenne erkenne überlege
umfasse schaue erlebe erfahre ertrage verursache belege beweise enthalte ergreife fasse
fehle lade leite löse lese messe reise rette schlage schreite steuere treibe wage
zeichne zerstöre zwinge
""")
# Particles of separable verbs, for Konjunktiv I written as one word at a clause end ("...,
# weil die Zahl weiter zunehme").
_KI_PARTICLES = ("ab", "an", "auf", "aus", "bei", "ein", "fest", "her", "hin", "mit", "nach",
                 "vor", "weg", "zu", "zurück", "zusammen", "dazu", "hinzu", "heraus", "voran")

_NOT_VERBS = frozenset({"zufolge", "demzufolge", "nachfolge", "anfrage", "nachfrage", "vorsorge"})


@cache
def konjunktiv_i(word: str) -> bool:
    """Is `word` a third-person Konjunktiv I form: one of the list, a separable verb's
    ("zunehme", "vorliege"), or a verb in -ieren ("reagiere", "investiere"; first person
    singular looks the same, but reported speech has no first person)?"""
    if word in KONJUNKTIV_I:
        return True
    if len(word) < 5 or not word.endswith("e") or not word[:1].islower() or word in _NOT_VERBS:
        return False
    if word.endswith("iere") and len(word) >= 7:
        return True
    return any(word.startswith(p) and word[len(p):] in KONJUNKTIV_I for p in _KI_PARTICLES)
KONJUNKTIV_II = _words("""
würde würden wäre wären hätte hätten könnte könnten müsste müssten dürfte dürften gäbe käme
gäben kämen läge lägen stünde stünden stände ständen ginge gingen bliebe blieben wüsste wüssten
bräuchte bräuchten hieße ließe ließen sähe sähen
""")

# Words that open a content clause ("sagte, dass ...", "fragte, ob ..."); only dass and ob
# do it with certainty, the w-words also open comparisons ("wie auch") and relative clauses.
CONTENT_OPENERS = frozenset({"dass", "ob", "wie", "warum", "weshalb", "wann", "wo", "wer",
                             "was", "welche", "welcher", "welches"})
COMPLEMENTISERS = frozenset({"dass", "ob"})
# After "sagte," these open an adverbial clause, not the content ("sagte nichts, als ...").
ADVERBIAL_OPENERS = frozenset({"als", "nachdem", "bevor", "während", "weil", "da", "obwohl",
                               "wenn", "sobald", "bis", "damit", "sodass", "und", "aber", "um",
                               "ohne", "statt", "anstatt"})
# Conjunctions that open only an adverbial clause ("Nachdem er ankam, erzählte er ..."),
# unlike "um", "bis" or "ohne", which are prepositions too ("Um den Nachwuchs will er ...").
SUBORDINATORS = frozenset({"als", "nachdem", "bevor", "weil", "obwohl", "wenn", "sobald",
                           "damit", "sodass"})

# Finite verbs that start a new main clause after a comma ("..., im Vorfeld hat sich Putin
# ... bedankt"): reported content stops there.
MAIN_CLAUSE_VERBS = _words("""
ist sind war waren hat haben hatte hatten wird werden wurde wurden kann können konnte
konnten muss müssen musste soll sollen will wollen gibt gab geht ging
""")
# Auxiliaries between a participle cue and its subject or agent.
AUXILIARIES = MAIN_CLAUSE_VERBS | frozenset({"habe", "hätte", "sei", "wäre", "worden", "würde"})
PASSIVE = frozenset({"wird", "werden", "wurde", "wurden", "worden", "würde"})
# Passive agent: "wird vom Westen beschuldigt", "wurde im Kreml berichtet".
AGENT_PREPOSITIONS = frozenset({"von", "vom", "seitens", "durch"})
PLACE_AGENT_PREPOSITIONS = frozenset({"im", "in", "aus", "beim"})

DETERMINERS = _words("""
der die das des dem den ein eine einer eines einem einen sein seine seiner seines seinem
seinen ihr ihre ihrer ihres ihrem ihren dieser diese dieses diesem diesen unser unsere
""")
GENITIVE_LINKS = frozenset({"des", "der", "von"})
# "einer von Info-Kompass' Informanten", "einige der Teilnehmer": pronouns that head a noun phrase
PARTITIVES = frozenset({"einer", "eine", "eines", "einige", "mehrere", "viele", "manche"})
PARTITIVE_LINKS = frozenset({"von", "der", "des", "aus"})
RELATIVE_PRONOUNS = _words("der die das dem den denen deren dessen welche welcher welches welchem welchen")
PRONOUNS = frozenset({"er", "sie"})
# Articles that mark an accusative or dative noun phrase: never the subject after a verb.
OBJECT_CASE_ARTICLES = frozenset({"einen", "einem", "dem", "den"})
# Subjects that name no one the text could resolve: "Wir fordern ... auf", "Man sagt, ...".
IMPERSONAL = frozenset({"ich", "wir", "man", "du", "ihr"})
# An adjective inside a noun phrase ends like this and precedes a noun ...
ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
# ... unlike these prepositions, adverbs and conjunctions ("die Regierung unter Machthaber
# Kim" ends before "unter").
NOT_ADJECTIVES = _words("""
unter über hinter wider außer aber oder wieder immer weiter später früher ferner eben
wegen entgegen gegen ohne gerne heute morgen gestern zwischen neben innerhalb außerhalb
oberhalb unterhalb seitens beiderseits diesseits jenseits hier
""")

# A clause starting with a preposition or an adverb has its subject after the finite verb
# ("Am Mittwoch sagte die Sprecherin ...", "Außerdem hob er hervor ..."), so the speaker
# follows the cue; adverbs also stand between a cue and its speaker ("sagte etwa X").
PREPOSITIONS = _words("""
am im in an auf aus bei beim nach vor seit während zum zur mit über unter gegen statt
anstatt trotz wegen dank gemäß ohne bis durch für um zwischen neben hinter ab
""")
ADVERBS = _words("""
außerdem zudem dann später zuvor auch dabei darin dazu daraufhin inzwischen jetzt heute
gestern ebenfalls weiter ferner bereits schon deshalb daher allerdings zugleich
gleichzeitig anschließend zuletzt erst nun hier dort damals kürzlich jüngst bislang bisher
zunächst schließlich dennoch trotzdem jedoch immerhin stattdessen vielmehr so mittlerweile
demnach indes indessen ebenso gleichwohl jedenfalls offenbar offensichtlich angeblich
womöglich vermutlich wohl darüber hierzu danach davor seither seitdem bald oft häufig
erneut wiederum freilich tatsächlich letztlich endlich natürlich nämlich etwa noch aber
""")
FRONTED = PREPOSITIONS | ADVERBS
# Time nouns that can open a clause like an adverb ("Anfang 2024 berichtete Bloomberg").
TIME_NOUNS = _words("""
anfang ende mitte montag dienstag mittwoch donnerstag freitag samstag sonntag januar
februar märz april mai juni juli august september oktober november dezember
""")
# Capitalised at the start of a sentence, these are no nouns: no speaker begins with them.
NOT_NOUNS = FRONTED | AUXILIARIES | _words("""
und oder aber denn doch sondern wo wie was wer warum ich wir du ihr man es uns mir mich
wenn weil dass ob als da obwohl nachdem damit sodass falls sobald
""")
# Modal verbs: "sollte der Arzt erklären, warum ..." is no report of what was said.
MODALS = _words("""
soll sollte sollten sollen muss müsste müssten müssen kann könnte könnten können will
wollen wollte möchte möchten darf dürfen solle müsse könne wolle dürfe möge
""")
# Clause openers that refer back to the previous sentence: "Das teilte die Reederei mit."
ANAPHORS = frozenset({"das", "dies", "dieses", "so"})

# Nouns that make a following quotation a title or a name, not speech ("der Film „...“",
# "die Operation „...“"); compounds are matched by their ending ("Fernsehserie").
TITLE_NOUNS = (
    "buch", "roman", "film", "titel", "serie", "sendung", "song", "lied", "album", "stück",
    "oper", "gedicht", "ausstellung", "zeitung", "zeitschrift", "magazin", "blatt", "kolumne",
    "kampagne", "operation", "programm", "projekt", "initiative", "motto", "slogan", "show",
    "podcast", "dokumentation", "bestseller", "werk", "single", "festival", "aktion", "namen",
)
# ... and words that mark scare quotes: "die sogenannte „Zeitenwende“".
SCARE_MARKERS = frozenset({"sogenannte", "sogenannten", "sogenannter", "sogenanntes",
                           "genannte", "genannten", "namens"})

# Every word a cue starts with: the extractor looks closer only at these.
TRIGGERS = frozenset({*INVERTED_ONLY, *SPEECH_VERBS, *OBJECT_VERBS, *SEPARABLE_STEMS, *SEPARABLE_WHOLE,
                      *SICH_ZEIGEN, *HEISSEN, *RELATIVE_SOURCES, "so", LAUT, ZUFOLGE, "nach"})

# Gender, for "er"/"sie" and "der Minister"/"die Ministerin": common first names ...
FEMALE_NAMES = _words("""
anna anne annalena andrea angela angelika anja antje barbara bärbel beate bettina birgit
brigitte carola caroline christa christiane christina christine claudia cornelia dagmar
daniela danni diana doris dorothea edith elena elisabeth elke emily emma eva franziska
frauke gabriele gerda gisela greta gudrun hanna hannah heike helga helene ines inge ingrid
irene iris jana jasmin jennifer jessica johanna julia juliane jutta karin katarina katharina
kathrin katja katrin kerstin kirsten klara lara laura lea lena lisa luisa manuela maria
marie marina marion marlene martina melanie michaela miriam monika nadine nadja nancy natalie
nicole nina olga patricia paula petra ricarda renate rita rosa ruth sabine sahra sandra
sara sarah saskia silke simone sofia sonja sophie stefanie steffi susanne svenja tanja
theresa ulla ulrike ursula ute vanessa verena veronika yvonne
""")
MALE_NAMES = _words("""
alexander alfons andreas anton armin axel bernd bernhard björn boris bruno carsten
christian christoph daniel david dennis dieter dietmar dirk dominik elon emmanuel ennesto
erich ernst felix florian frank franz friedrich fritz georg gerald gerhard günter günther
hans harald heiko heinrich heinz helmut herbert horst hubert hubertus jan jens joachim
joe johann johannes jonas josef jörg jürgen kai karl karsten klaus konrad kurt lars lukas
manfred marc marcel marco mario markus martin mathias matthias max michael niklas nils
norbert olaf oliver otto patrick paul peter philipp rainer ralf ralph reinhard robert roland
rolf rudolf sebastian siegfried sigmar simon stefan steffen stephan sven thomas thorsten
tim tobias tom torsten ulrich uwe volker walter werner wilhelm winfried wladimir wolfgang
xavier yannick
""")
# ... and nouns for people by their role: "der Konzernchef", "die Ministerin" ("-in" is the
# feminine), "der 46-Jährige". The spokesperson is left out: "der Sprecher" is rarely the
# person named before.
PERSON_ROLES = (
    "minister", "präsident", "kanzler", "chef", "politiker", "vorsitzende", "trainer",
    "bischof", "jährige", "sänger", "schauspieler", "autor", "experte", "manager", "direktor",
    "bürgermeister", "abgeordnete", "kenner", "moderator", "journalist", "sportler", "spieler",
    "gründer", "unternehmer", "senator", "ökonom", "wissenschaftler", "forscher", "professor",
    "ceo", "staatsoberhaupt", "regierungschef", "landeshauptmann", "oberhaupt", "aktivist",
)
FEMININE_ROLE_ENDINGS = ("erin", "entin", "istin", "orin", "chefin", "rätin", "ärztin",
                         "anwältin", "beamtin", "bischöfin", "ökonomin", "expertin")
MALE_TITLES = frozenset({"herr", "herrn"})
FEMALE_TITLES = frozenset({"frau"})
