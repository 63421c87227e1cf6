"""Who says what in an article: suggested attributions and relayed agencies.

A plain module (it reads actors, outlets and claims.status's cue lists, and
writes nothing): the importer calls it for every article it stores, and the
suggestions wait in the editors' queue (claims.Suggestion).

    lookup = Lookup()                       actors, aliases, roles and outlets, loaded once
    suggest(body, lookup)                   [Suggested], in text order
    find_relays(body, lookup, own_outlet)   ([Relay], [ProposedRelay])

What is suggested (one suggestion per sentence at most):

- direct quotes, with straight or curly quote marks (“…”, "…", «…», and the
  mixed "…” of careless typing), attributed by the words around them:
  “…,” Patrushev said / said Patrushev / RIA Novosti quoted Patrushev as saying;
- reported speech: X said / stated / noted / added / wrote / emphasized /
  pointed out / told Y (that) …, and their kin (REPORTING_VERBS); "according to
  X"; "… with reference to X";
- the outlet's own hedged statements and predictions ("This could possibly be
  done …", "Obviously, …"): kind speculation, no speaker.

A quote with no speaker in its sentence is left alone, and so are short
quoted phrases (scare quotes such as "road map") outside reported speech.

The speaker is resolved, in this order, against actors' names and aliases
(whole phrase, then the capitalised names in it, including surname-only and
given-name-only forms that belong to one actor only), then against actors'
roles ("the secretary of the Russian Security Council" → the actor whose role
holds every word of it and one title word such as "secretary"), then, for a
pronoun ("he said") or a definite description ("the Chinese representative"),
against the last actor the text named (of that country, for a description).
When nothing matches, the name as written is proposed as a new actor: nothing
is guessed.

Speculation reuses claims.status: its HEDGE_CUES (hedge_cues()) over the
suggested passage and its PUNDIT_WORDS over the speaker ("political
scientist", "sinologist", "some analysts say"); an analyst speaker; and the
outlet's own hedged predictions.

Relays: an agency the text names as its own source ("according to Xinhua",
"TASS said with reference to …", "RIA Novosti quoted", "state media reports
said", "[Xinhua]" after a caption). A name that resolves to an outlet (name
or alias) becomes a relay with its cue, the exact words of the text. A name
that resolves to no outlet is proposed (ProposedRelay) when it looks like a
news organisation (a media word such as "News", "Agency", "media", or an
acronym named by a media verb such as "reported"); it is never created. A
photo credit ("/ Mikhail Metzel / TASS") is not a relay.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from claims import status
from lib.text import normalize_name

# --------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------


def _words(text):
    """A frozenset of the white-space separated words of `text`."""
    return frozenset(text.split())


#: Verbs that introduce reported speech. Present-tense forms that are also common
#: nouns ("notes", "states", "claims", "reports") are left out.
REPORTING_VERBS = (
    "said",
    "says",
    "say",
    "stated",
    "noted",
    "added",
    "adds",
    "wrote",
    "writes",
    "emphasized",
    "emphasised",
    "emphasizes",
    "emphasises",
    "stressed",
    "stresses",
    "underscored",
    "underscores",
    "underlined",
    "pointed out",
    "points out",
    "told",
    "tells",
    "declared",
    "announced",
    "insisted",
    "insists",
    "warned",
    "warns",
    "explained",
    "explains",
    "argued",
    "argues",
    "claimed",
    "asserted",
    "affirmed",
    "reiterated",
    "remarked",
    "commented",
    "observed",
    "recalled",
    "believes",
    "believe",
    "believed",
    "think",
    "thinks",
    "fear",
    "fears",
    "expect",
    "expects",
    "predicted",
    "predicts",
    "promised",
    "pledged",
    "vowed",
    "acknowledged",
    "admitted",
    "denied",
    "confirmed",
    "urged",
    "proposed",
    "proposes",
    "offered",
    "described",
    "called for",
    "agreed that",
    "committed to",
    "reported",
    "quoted",
)

#: Words that head a title in a role ("the secretary of …", "the defense minister").
TITLE_NOUNS = _words("""
    admiral adviser advisor ambassador chair chairman chairwoman chancellor chief
    commander councilor director emperor envoy general governor head king marshal mayor
    minister premier president prince prosecutor queen secretary speaker spokesman
    spokesperson spokeswoman
""")

#: Nouns that make a phrase a plausible speaker ("the ministry said", "officials said").
SPEAKER_NOUNS = TITLE_NOUNS | _words("""
    administration agencies agency analyst analysts army author authorities authority
    channel commentator commentators commission committee correspondent council
    counterpart daily delegation department deputy diplomat diplomats economist
    economists editor embassy expert experts government journalist journalists kremlin
    lawmaker lawmakers leader leaders media member members military ministry newspaper
    observer observers office officer officers official officials paper parliament
    police politician press professor pundit pundits report reporter reporters reports
    representative representatives researcher researchers scientist scientists senator
    service side sides sinologist source sources spokespeople statement statements
""")

#: Country adjectives, reduced to the country's word in roles ("Chinese" → "china").
DEMONYMS = {
    "russian": "russia",
    "chinese": "china",
    "american": "us",
    "u s": "us",
    "usa": "us",
    "british": "uk",
    "french": "france",
    "german": "germany",
    "indian": "india",
    "pakistani": "pakistan",
    "japanese": "japan",
    "ukrainian": "ukraine",
    "iranian": "iran",
    "turkish": "turkey",
    "israeli": "israel",
    "kazakh": "kazakhstan",
    "uzbek": "uzbekistan",
    "korean": "korea",
    "european": "europe",
}
# ISO country codes of the demonyms, for definite descriptions ("the Chinese representative").
DEMONYM_COUNTRIES = {
    "russian": "RU",
    "chinese": "CN",
    "american": "US",
    "british": "GB",
    "french": "FR",
    "german": "DE",
    "indian": "IN",
    "pakistani": "PK",
    "japanese": "JP",
    "ukrainian": "UA",
    "iranian": "IR",
    "turkish": "TR",
    "israeli": "IL",
    "kazakh": "KZ",
    "uzbek": "UZ",
}
_SPELLINGS = {"defence": "defense", "councillor": "councilor", "organisation": "organization"}
_ROLE_STOPWORDS = _words("""
    a an and as at by for from her his in its of on s since the their to until with
""")
# Words in a title phrase that every role would match ("a senior official").
_GENERIC_TITLE_WORDS = _words("""
    chief current high ranking senior top
""")
# Nouns a definite description may end in to point back at someone already named.
_ANAPHORIC_NOUNS = _words("""
    counterpart delegate diplomat envoy guest host leader minister official president
    representative side
""")
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person"}

# Words that start a capitalised run but name nobody.
_FUNCTION_WORDS = _words("""
    a according after all also although an and as at because before both but by despite
    during each for from he her here his how however i if in it its many meanwhile most
    my on one or our she since so some speaking that the their then there these they
    this those though three two we what when where which while who why with yet you
""")
_NAME_PARTICLES = _words("""
    al bin da de del den der di ibn la le of van von
""")
# Leading words of a capitalised run that are titles, not names.
_TITLE_WORDS = (
    TITLE_NOUNS
    | frozenset(DEMONYMS)
    | _words("""
    acting analyst army colonel colonel-general councillor defence defense deputy dr
    economy expert finance first foreign former gov interior lieutenant lieutenant-general
    major major-general mr mrs ms national political prime prof professor rep
    scientist security sen senator sinologist state trade vice
""")
)
_ORG_WORDS = _words("""
    agency commission committee council daily department government kremlin media
    ministry news office organisation organization party post press service times
""")
# A name that resolves to no outlet is proposed as a relay when it looks like media.
_MEDIA_WORDS = _words("""
    agency bloomberg broadcaster broadcasting channel daily gazette herald interfax
    journal media network news newspaper post press radio reuters telegraph times
    tribune tv wire
""")
_ADVERBS = _words("""
    again already also earlier frequently further had has have in later now often once
    previously recently repeatedly reportedly still then turn
""")
_PREPOSITIONS = _words("""
    after amid among at before by during following for from in near on over speaking
    under via with citing quoting according
""")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = _words("""
    adm approx apr aug capt co col corp dec dr e.g e.u etc feb gen gen. gov i.e inc jan
    jr jul jun lt ltd maj mar mr mrs ms no nov oct prof rep sen sep sept sgt sr st u.k
    u.n u.s vs
""")

# --------------------------------------------------------------------------
# Lookups: actors and outlets, loaded once per import run
# --------------------------------------------------------------------------

_AMBIGUOUS = -1
_MISSING = object()
# Names looked up per run are remembered, up to this many (then forgotten at once).
CACHE_SIZE = 20_000
# Actor kinds that are people: name parts ("Patrushev") and pronouns point at them.
PERSON_KINDS = frozenset(["official", "journalist", "analyst"])


@dataclass
class ActorInfo:
    pk: int
    name: str
    kind: str
    role: str
    country: str


def _role_tokens(text):
    """The significant words of a role or a title phrase, countries as one word each."""
    key = normalize_name(text)
    for demonym, country in DEMONYMS.items():
        if " " in demonym:
            key = re.sub(rf"\b{demonym}\b", country, key)
    tokens = set()
    for token in key.split():
        token = _SPELLINGS.get(token, token)
        token = DEMONYMS.get(token, token)
        if token not in _ROLE_STOPWORDS and not token.isdigit():
            tokens.add(token)
    return frozenset(tokens)


class Lookup:
    """Actors (names, aliases, name parts, roles) and outlets (names, aliases), in memory.

    Loaded lazily, with four queries, the first time a suggestion or relay needs
    it; one Lookup serves a whole import run. Lookup.empty() knows nobody.
    """

    def __init__(self, using=DEFAULT_DB_ALIAS):
        self.using = using
        self._loaded = False
        self._actor_cache = {}
        self._outlet_cache = {}

    @classmethod
    def empty(cls):
        lookup = cls()
        lookup._fill([], [], [], [])
        return lookup

    def _load(self):
        if self._loaded:
            return
        from claims.models import Actor, ActorAlias
        from sources.models import Outlet, OutletAlias

        db = self.using
        self._fill(
            Actor.objects.using(db)
            .order_by()
            .values_list("pk", "name", "name_key", "kind", "role", "country"),
            ActorAlias.objects.using(db).order_by().values_list("actor_id", "name_key"),
            Outlet.objects.using(db).order_by().values_list("pk", "name", "name_key", "domain"),
            OutletAlias.objects.using(db).order_by().values_list("outlet_id", "name_key"),
        )

    def _fill(self, actors, actor_aliases, outlets, outlet_aliases):
        self._loaded = True
        self.actors = {}
        self.actor_keys = {}
        parts = {}
        for pk, name, key, kind, role, country in actors:
            self.actors[pk] = ActorInfo(pk, name, kind, role, country)
            self.actor_keys[key] = pk
            words = [w for w in key.split() if w not in _TITLE_WORDS]
            if len(words) >= 2 and kind in PERSON_KINDS:
                # Surname-only and given-name-only forms: "Patrushev", "Jiechi".
                for word in {words[0], words[-1]}:
                    if len(word) >= 3:
                        parts[word] = pk if parts.get(word, pk) == pk else _AMBIGUOUS
        for actor_id, key in actor_aliases:
            self.actor_keys[key] = actor_id
        self.actor_parts = {k: v for k, v in parts.items() if v != _AMBIGUOUS}
        # The actors whose role holds each word: a title phrase intersects a few sets.
        self.role_index = {}
        for info in self.actors.values():
            for token in _role_tokens(info.role) if info.role else ():
                self.role_index.setdefault(token, set()).add(info.pk)
        self.outlets = {}
        self.outlet_keys = {}
        self.outlet_domains = {}
        for pk, name, key, domain in outlets:
            self.outlets[pk] = name
            self.outlet_keys[key] = pk
            if domain:
                self.outlet_domains[_bare_domain(domain)] = pk
        for outlet_id, key in outlet_aliases:
            self.outlet_keys[key] = outlet_id

    # -- actors --

    def actor(self, name):
        """The id of the actor called `name` (name, alias or name part), or None."""
        cached = self._actor_cache.get(name, _MISSING)
        if cached is not _MISSING:
            return cached
        self._load()
        key = normalize_name(name)
        found = None
        if key:
            found = self.actor_keys.get(key)
            if found is None and " " not in key:
                found = self.actor_parts.get(key)
        if len(self._actor_cache) >= CACHE_SIZE:
            self._actor_cache.clear()
        self._actor_cache[name] = found
        return found

    def actor_by_title(self, phrase):
        """The one actor whose role holds every word of a title phrase, or None.

        The phrase needs a title word ("secretary", "minister") and one more
        word; generic words ("senior") are ignored. Several matches: None.
        """
        self._load()
        tokens = _role_tokens(phrase) - _GENERIC_TITLE_WORDS
        if len(tokens) < 2 or not tokens & TITLE_NOUNS:
            return None
        found = None
        for token in tokens:
            holders = self.role_index.get(token)
            if not holders:
                return None
            found = holders if found is None else found & holders
        return next(iter(found)) if found and len(found) == 1 else None

    def info(self, pk):
        self._load()
        return self.actors.get(pk)

    # -- outlets --

    def outlet(self, name):
        """The id of the outlet called `name` (name or alias), or None."""
        cached = self._outlet_cache.get(name, _MISSING)
        if cached is not _MISSING:
            return cached
        self._load()
        key = normalize_name(name)
        found = self.outlet_keys.get(key) if key else None
        if len(self._outlet_cache) >= CACHE_SIZE:
            self._outlet_cache.clear()
        self._outlet_cache[name] = found
        return found

    def outlet_by_domain(self, host):
        """The id of the outlet whose homepage domain is `host` (or a parent of it), or None."""
        self._load()
        host = _bare_domain(host)
        while host:
            if host in self.outlet_domains:
                return self.outlet_domains[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return None

    def outlet_name(self, pk):
        self._load()
        return self.outlets.get(pk, "")


def _bare_domain(domain):
    domain = domain.strip().lower().removeprefix("https://").removeprefix("http://")
    return domain.split("/")[0].removeprefix("www.")


# --------------------------------------------------------------------------
# Text structure: lines, quotes, sentences
# --------------------------------------------------------------------------

_OPENERS = "“«„"
_CLOSERS = "”»"
_LINE_RE = re.compile(r"[^\n]+")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”»’)\]]*(?=\s+[\"“«‘(\[]?[A-Z])")
_WORD_RE = re.compile(r"[\w’'.-]+")
_BULLET_RE = re.compile(r"^\s*(?:[•▪◦·*–—-]|\d+[.)])\s+")


def quote_spans(text):
    """(start, end) of each quoted passage in one line, quote marks included.

    Opening marks: “ « „ and a straight " at the start or after a space or an
    opening bracket. Any closing mark (” » ") closes, so the mixed "…” counts.
    A quote left open runs to the end of the line.
    """
    spans = []
    opened = None
    n = len(text)
    for i, char in enumerate(text):
        if opened is None:
            if char in _OPENERS or (char == '"' and (i == 0 or text[i - 1] in " \t([{—–-/")):
                opened = i
        elif char in _CLOSERS or char == '"':
            spans.append((opened, i + 1))
            opened = None
        elif char in "“«" and text[opened] == char:
            # A second opener before any closer: the first was never closed.
            spans.append((opened, i))
            opened = i
    if opened is not None and n - opened > 1:
        spans.append((opened, n))
    return spans


def _inside(spans, position):
    """True when `position` falls strictly inside one of the (sorted) spans."""
    index = bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] < position < spans[index][1]


def sentences(text, quotes):
    """(start, end) of each sentence of one line; never split inside a quote."""
    result = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        inside = _inside(quotes, end) or _inside(quotes, match.start())
        if inside and not any(q_end == end for _, q_end in quotes):
            continue  # a full stop inside a quote ends the sentence only with the quote
        word = text[max(0, match.start() - 12) : match.start()].split()
        last = word[-1].lower() if word else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue  # "U.S. President", "J. Smith"
        result.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        result.append((start, len(text.rstrip())))
    return result


def _quoted_words(text, quotes):
    return sum(len(text[s:e].split()) for s, e in quotes)


# --------------------------------------------------------------------------
# Speaker phrases
# --------------------------------------------------------------------------


def _phrase_pattern(phrases):
    alternatives = sorted((r"\s+".join(map(re.escape, p.split())) for p in phrases), key=len)
    return r"(?<![\w-])(?:" + "|".join(reversed(alternatives)) + r")(?![\w-])"


_VERB_RE = re.compile(_phrase_pattern(REPORTING_VERBS))
_ACCORDING_RE = re.compile(r"(?<![\w-])[Aa]ccording to\s+")
_REFERENCE_RE = re.compile(r"(?<![\w-])(?:with reference to|citing|quoting)\s+")
_QUOTED_AS_RE = re.compile(r"^\s*(?P<who>.+?)\s+as\s+(?:saying|stating|telling)\b")
_PHRASE_END_RE = re.compile(
    r"\s+(?:following|after|during|on|in|at|who|which|that|when|as|while|because|before)\s"
    r"|[,.;:!?()\[\]“”\"«»—–]"
)
_STATEMENT_BY_RE = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:statement|report|release|communiqu[ée]|readout|"
    r"transcript|post|interview|message|remarks|comments)s?\s+(?:(?:released|issued|published|"
    r"posted|made|given|carried|sent)\s+)?(?:by|from|of)\s+",
    re.IGNORECASE,
)
_LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_DETERMINERS = frozenset(
    ["the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those"]
)


def _capitalised_runs(phrase):
    """Runs of capitalised words in a phrase, as strings ("Russian Security Council")."""
    runs, current = [], []
    for raw in phrase.split():
        word = raw.strip(',.;:!?()[]“”"«»')
        if not word:
            continue
        if (
            word[0].isupper()
            and (current or word.lower() not in _FUNCTION_WORDS)
            or current
            and word.lower() in _NAME_PARTICLES
        ):
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    cleaned = []
    for run in runs:
        while run and run[-1].lower() in _NAME_PARTICLES:
            run = run[:-1]
        if run:
            cleaned.append(" ".join(run))
    return cleaned


def _strip_possessive(word):
    return re.sub(r"[’']s$", "", word)


def _name_in(run):
    """A run without its leading titles: "Army General Sergei Shoigu" → "Sergei Shoigu"."""
    words = run.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


def _is_person_like(name):
    words = name.split()
    return (
        1 <= len(words) <= 4
        and not any(w.lower() in _ORG_WORDS for w in words)
        and words[0].lower() not in _TITLE_WORDS
    )


@dataclass
class Speaker:
    phrase: str  # as written, e.g. "political scientist Marat Bashirov"
    actor_id: int | None = None
    name: str = ""  # the actor's name, or the proposed name
    how: str = ""  # name, alias, title, pronoun, description, proposed


class _Context:
    """What the text has said so far, for pronouns and descriptions that point back.

    Keeps the last sentences and finds the people named in them only when a
    pronoun or a description needs it (most sentences never do).
    """

    SENTENCES = 8  # how far back "he" or "the Chinese representative" may point
    MENTIONS = 12

    def __init__(self, lookup):
        self.lookup = lookup
        self.sentences = []

    def note_mentions(self, text):
        self.sentences.append(text)
        if len(self.sentences) > self.SENTENCES:
            del self.sentences[0]

    def _mentions(self):
        """Person actors named in the kept sentences, latest first."""
        for text in reversed(self.sentences):
            for run in reversed(_capitalised_runs(text)):
                for candidate in (run, _name_in(run), _strip_possessive(run)):
                    actor_id = self.lookup.actor(candidate)
                    if actor_id is not None:
                        info = self.lookup.info(actor_id)
                        if info and info.kind in PERSON_KINDS:
                            yield actor_id
                        break

    def last_person(self, country=None):
        for seen, actor_id in enumerate(self._mentions()):
            if seen >= self.MENTIONS:
                return None
            info = self.lookup.info(actor_id)
            if country is None or (info and info.country == country):
                return actor_id
        return None


def resolve_speaker(phrase, lookup, context=None, head_first=False):
    """A Speaker for a phrase that names who speaks; None if it names nobody plausible.

    `head_first`: the name comes first ("according to Nikolai Vavilov, …");
    otherwise last ("… political scientist Marat Bashirov").
    """
    phrase = phrase.strip(" ,;:—–-\u00a0")
    phrase = _STATEMENT_BY_RE.sub("", phrase)
    if not phrase or len(phrase.split()) > 12:
        return None
    lowered = phrase.lower()
    if lowered in _PRONOUNS:
        actor_id = context.last_person() if context else None
        if actor_id is None:
            return None
        return Speaker(phrase, actor_id, lookup.info(actor_id).name, "pronoun")
    bare = _LEADING_ARTICLE_RE.sub("", phrase)

    def found(actor_id, how):
        return Speaker(phrase, actor_id, lookup.info(actor_id).name, how)

    coordinated = re.search(r"\s(?:and|&)\s", bare)
    words = bare.split()
    # 1. A title phrase ("the secretary of the Russian Security Council", "the Russian
    #    security council secretary"): its role, or nobody (the council it names is not
    #    the speaker).
    title_of = re.search(r"\b(\w+)\s+(?:of|for)\s", bare)
    if (title_of and title_of.group(1).lower() in TITLE_NOUNS) or (
        len(words) >= 2 and words[-1].lower() in TITLE_NOUNS
    ):
        actor_id = lookup.actor(bare) or lookup.actor_by_title(bare)
        if actor_id is not None:
            return found(actor_id, "title")
        return Speaker(phrase, None, phrase, "proposed")
    # 2. The phrase itself, or its first words ("Patrushev’s office following the talks").
    for n in range(1 if coordinated else min(len(words), 6), 0, -1):
        part = " ".join(words[:n]) if not coordinated else bare
        if n == 1 and len(words) > 1 and words[0].lower() in _TITLE_WORDS:
            continue
        actor_id = lookup.actor(part)
        if actor_id is not None:
            return found(actor_id, "name")
    # "Xi’s government", "Patrushev’s office": the body, not the person.
    possessed = re.fullmatch(r"(.+?)[’']s\s+(\w+)", bare)
    if possessed and possessed.group(2).lower() in SPEAKER_NOUNS | _ORG_WORDS:
        return Speaker(phrase, None, phrase, "proposed")
    # 3. The capitalised names in it, nearest the verb first.
    runs = _capitalised_runs(bare)
    if not head_first:
        runs = runs[::-1]
    if not coordinated:
        for run in runs:
            candidates = [run, _name_in(run)]
            parts = run.split()
            candidates += [" ".join(parts[i:]) for i in range(1, len(parts))]
            candidates += [_strip_possessive(parts[-1])]
            for candidate in candidates:
                actor_id = lookup.actor(candidate)
                if actor_id is not None:
                    return found(actor_id, "name")
    # 4. The role words ("the Chinese defense minister").
    actor_id = lookup.actor_by_title(bare)
    if actor_id is not None:
        return found(actor_id, "title")
    # 5. A definite description pointing back ("the Chinese representative").
    described = re.fullmatch(r"(?:the|The)\s+(\w+)\s+(\w+)", phrase)
    if context is not None and described and described.group(2).lower() in _ANAPHORIC_NOUNS:
        country = DEMONYM_COUNTRIES.get(described.group(1).lower())
        if country:
            actor_id = context.last_person(country)
            if actor_id is not None:
                return found(actor_id, "description")
    # 6. Nobody known: propose the name, or the phrase as written.
    if not coordinated:
        for run in runs:
            name = _name_in(run)
            if _is_person_like(name) and name.lower() not in DEMONYMS:
                return Speaker(phrase, None, name, "proposed")
    if not _speaker_like(bare):
        return None
    return Speaker(phrase, None, phrase, "proposed")


def _speaker_like(phrase):
    """True when a phrase can name a speaker: a proper name, a pronoun or a speaker noun."""
    words = [w.strip(",.;:’'\"“”") for w in phrase.split()]
    if not words or len(words) > 8:
        return False
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return True
    if any(w.lower() in SPEAKER_NOUNS for w in words):
        return True
    return any(w[:1].isupper() and w.lower() not in _FUNCTION_WORDS for w in words if w)


# --------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------

DIRECT_QUOTE = "direct_quote"
PARAPHRASE = "paraphrase"
SPECULATION = "speculation"
# A quoted passage this long (in words) makes a suggestion a direct quote.
DIRECT_QUOTE_MIN_WORDS = 4


@dataclass
class Suggested:
    start: int
    end: int
    quote: str
    cue: str
    kind: str
    speaker_id: int | None = None
    speaker_name: str = ""
    speculative: bool = False
    speculation_cue: str = ""
    relayed_via_id: int | None = None
    relay_name: str = ""


@dataclass
class _Found:
    """An attribution found in one sentence, before it becomes a Suggested."""

    speaker: Speaker | None
    cue: str
    relay_phrase: str = ""
    media_speaker: bool = False


def _media_like(phrase):
    words = {w.lower().strip(",.’'") for w in phrase.split()}
    return bool(words & _MEDIA_WORDS)


def _find_after_quote(sentence, quotes, lookup, context):
    """“…,” X said / said X / X quoted Y as saying: the words after a quote."""
    for _, q_end in quotes:
        following = [s for s, _ in quotes if s >= q_end]
        stop = following[0] if following else len(sentence)
        tail = sentence[q_end:stop]
        match = _VERB_RE.search(tail)
        if match is None:
            continue
        before = tail[: match.start()].strip(" ,;:—–-\u00a0")
        after = tail[match.end() :]
        verb = match.group(0)
        if len(before.split()) > 8:
            continue
        if verb == "quoted":
            quoted = _QUOTED_AS_RE.match(after)
            if quoted:
                speaker = resolve_speaker(quoted.group("who"), lookup, context)
                if speaker:
                    return _Found(speaker, f"{verb} … as saying", relay_phrase=before)
            continue
        if before:
            speaker = resolve_speaker(before, lookup, context)
        else:
            who = _PHRASE_END_RE.split(after.strip(), maxsplit=1)[0]
            speaker = resolve_speaker(who, lookup, context, head_first=True)
        if speaker:
            reference = _REFERENCE_RE.search(after)
            if reference:
                who = _PHRASE_END_RE.split(after[reference.end() :], maxsplit=1)[0]
                referenced = resolve_speaker(who, lookup, context, head_first=True)
                if referenced:
                    cue = f"{verb} {reference.group(0).strip()}"
                    return _Found(referenced, cue, relay_phrase=speaker.phrase)
            return _Found(speaker, verb, media_speaker=_media_like(speaker.phrase))
    return None


def _segments_before(text):
    """The comma-separated segments of the text before a verb, last first."""
    return [s.strip() for s in re.split(r"[,;]|\s[—–]\s", text)][::-1]


def _find_reported(sentence, quotes, lookup, context):
    """X said / noted / told Y (that) …: a reporting verb outside quotes, its subject before it."""
    for match in _VERB_RE.finditer(sentence):
        if _inside(quotes, match.start()):
            continue
        verb = match.group(0)
        before = sentence[: match.start()]
        previous = before.split()[-1:] if before.split() else []
        if previous and previous[0].lower() in _DETERMINERS:
            continue  # "the reported deal"
        if verb == "quoted":
            quoted = _QUOTED_AS_RE.match(sentence[match.end() :])
            if not quoted:
                continue
            speaker = resolve_speaker(quoted.group("who"), lookup, context)
            if speaker:
                return _Found(speaker, "quoted … as saying", relay_phrase=before.strip())
            continue
        speaker = _subject(before, lookup, context)
        if speaker is not None:
            after = sentence[match.end() :]
            reference = _REFERENCE_RE.match(after.lstrip())
            if reference:
                who = _PHRASE_END_RE.split(after.lstrip()[reference.end() :], maxsplit=1)[0]
                referenced = resolve_speaker(who, lookup, context, head_first=True)
                if referenced:
                    return _Found(
                        referenced,
                        f"{verb} {reference.group(0).strip()}",
                        relay_phrase=speaker.phrase,
                    )
            return _Found(speaker, verb, media_speaker=_media_like(speaker.phrase))
    return None


def _strip_adverbs(text):
    words = text.split()
    while words and words[-1].lower().strip(",") in _ADVERBS:
        words.pop()
    while words and words[0].lower().strip(",") in (
        [
            "but",
            "although",
            "though",
            "while",
            "as",
            "and",
            "so",
            "yet",
            "meanwhile",
            "however",
            "also",
            "then",
            "that",
            "is",
            "why",
        ]
    ):
        words.pop(0)
    return " ".join(words)


def _subject(before, lookup, context):
    """The speaker named just before a reporting verb, or None."""
    segments = _segments_before(before)
    direct = segments[0] if segments else ""
    stripped = _strip_adverbs(direct)
    if re.search(r"\s(?:and)$", " " + direct.rstrip()):
        # "Xi met Nikolai Patrushev … and said": the subject of the whole clause.
        first = next(
            (s for s in segments[::-1] if s and s.split()[0].lower() not in _PREPOSITIONS), ""
        )
        runs = _capitalised_runs(first.split(" ")[0] if first else "")
        if runs:
            return resolve_speaker(runs[0], lookup, context)
        return None
    if stripped:
        if len(stripped.split()) > 8 or not _speaker_like(stripped):
            return None
        speaker = resolve_speaker(stripped, lookup, context)
        appositive = _LEADING_ARTICLE_RE.match(stripped) and stripped[:1].islower()
        if speaker and (speaker.actor_id is not None or not appositive):
            return speaker
        # "Nikolai Patrushev, the Russian security council secretary, said": the name before.
        for segment in segments[1:3]:
            segment = _strip_adverbs(segment)
            if not segment or segment.split()[0].lower() in _PREPOSITIONS:
                continue
            named = resolve_speaker(segment, lookup, context)
            if named and named.actor_id is not None:
                return named
            if named and _is_person_like(named.name):
                return named
            break
        return speaker
    # The verb follows a comma: walk back over appositions and adverbials.
    for segment in segments[1:5]:
        segment = _strip_adverbs(segment)
        if not segment or segment.split()[0].lower() in _PREPOSITIONS:
            continue
        if len(segment.split()) > 8 or not _speaker_like(segment):
            continue
        speaker = resolve_speaker(segment, lookup, context)
        if speaker and speaker.actor_id is not None:
            return speaker
        if speaker and not (_LEADING_ARTICLE_RE.match(segment) and segment[:1].islower()):
            return speaker
    return None


def _find_reference(sentence, quotes, lookup, context):
    """X said with reference to Y / X, citing Y, said: Y speaks, X relays."""
    for match in _REFERENCE_RE.finditer(sentence):
        if _inside(quotes, match.start()):
            continue
        before = sentence[: match.start()]
        after = sentence[match.end() :]
        who = _PHRASE_END_RE.split(after, maxsplit=1)[0]
        verbs = list(_VERB_RE.finditer(before))
        verb = verbs[-1] if verbs else None
        if verb is not None and not before[verb.end() :].strip():
            relay = _segments_before(before[: verb.start()])[0]
        elif before.rstrip().endswith(","):
            # "Interfax, citing a source in the delegation, said …"
            clause = re.match(r"[^,;.]+,\s*", after)
            following = _VERB_RE.match(after, clause.end()) if clause else None
            if following is None:
                continue
            cue = f"{match.group(0).strip()} … {following.group(0)}"
            verb, relay = None, _segments_before(before)[1]
        else:
            continue
        speaker = resolve_speaker(who, lookup, context, head_first=True)
        if speaker is None:
            continue
        if verb is not None:
            cue = f"{verb.group(0)} {match.group(0).strip()}"
        return _Found(speaker, cue, relay_phrase=relay)
    return None


def _find_according(sentence, quotes, lookup, context):
    for match in _ACCORDING_RE.finditer(sentence):
        if _inside(quotes, match.start()):
            continue
        rest = sentence[match.end() :]
        who = _PHRASE_END_RE.split(rest, maxsplit=1)[0]
        speaker = resolve_speaker(who, lookup, context, head_first=True)
        if speaker:
            return _Found(speaker, match.group(0).strip(), media_speaker=_media_like(who))
    return None


def _speculation(text, speaker, lookup, kind):
    """(speculative, cue) for a suggested passage: hedges, pundits, the outlet's guesses."""
    reasons = []
    if kind == SPECULATION:
        reasons.append("the outlet's own prediction or guess")
    if speaker is not None:
        info = lookup.info(speaker.actor_id) if speaker.actor_id else None
        if info and info.kind == "analyst":
            reasons.append(f"the speaker is an analyst ({info.role or info.name})")
        else:
            pundit = _PUNDIT_RE.search(speaker.phrase) or (
                info and _PUNDIT_RE.search(f"{info.name} {info.role}")
            )
            if pundit:
                reasons.append(f"pundit: “{pundit.group(0)}”")
    cues = status.hedge_cues(text)
    if cues:
        reasons.append("hedged: " + ", ".join(f"“{cue}”" for cue in cues))
    return bool(reasons), "; ".join(reasons)


_PUNDIT_RE = re.compile(
    status._phrase_pattern(status.PUNDIT_WORDS) + r"|\b(?:analysts|pundits|experts)\b", re.I
)


def _is_heading(text):
    stripped = text.rstrip()
    return (
        not stripped.endswith((".", "!", "?", "”", '"', "»", ":", ")"))
        and len(stripped.split()) < 16
    )


def suggest(body, lookup):
    """The attributions a careful editor would look at in `body`, in text order."""
    context = _Context(lookup)
    results = []
    lines = [(m.start(), m.group(0)) for m in _LINE_RE.finditer(body)]
    for index, (line_start, line) in enumerate(lines):
        if not line.strip():
            continue
        quotes = quote_spans(line)
        for s_start, s_end in sentences(line, quotes):
            text = line[s_start:s_end]
            if not text.strip():
                continue
            local = [(q - s_start, e - s_start) for q, e in quotes if s_start <= q < s_end]
            local = [(q, min(e, len(text))) for q, e in local]
            suggestion = _suggest_sentence(text, local, lookup, context)
            context.note_mentions(text)
            if suggestion is None:
                continue
            start = line_start + s_start
            end = line_start + s_end
            if text.rstrip().endswith(":"):
                # "pointed out three main results:" and the list that follows.
                end = _extend_over_list(lines, index, end)
            suggestion.start, suggestion.end = start, end
            suggestion.quote = body[start:end]
            results.append(suggestion)
    return results


def _extend_over_list(lines, index, end):
    for line_start, line in lines[index + 1 :]:
        if not line.strip():
            continue
        if _BULLET_RE.match(line):
            end = line_start + len(line.rstrip())
            continue
        break
    return end


def _suggest_sentence(text, quotes, lookup, context):
    quoted_words = _quoted_words(text, quotes)
    found = _find_reference(text, quotes, lookup, context)
    after_quote = _find_after_quote(text, quotes, lookup, context) if quotes else None
    reported = _find_reported(text, quotes, lookup, context)
    according = _find_according(text, quotes, lookup, context)
    if found is not None:
        pass
    elif after_quote and after_quote.relay_phrase:
        found = after_quote  # quoted … as saying / with reference to: explicit
    elif reported and reported.relay_phrase:
        found = reported
    elif after_quote and not (after_quote.media_speaker and reported):
        found = after_quote
    elif according and not (according.media_speaker and reported):
        found = according
        if reported and according.media_speaker:
            found = reported
    elif reported:
        found = reported
        tail = after_quote or according
        if tail and tail.media_speaker:
            found.relay_phrase = tail.speaker.phrase
    if found is None and quotes and according:
        found = according
    if found is not None and found.speaker is not None:
        speaker = found.speaker
        kind = DIRECT_QUOTE if _long_quote(text, quotes) else PARAPHRASE
        relay_id, relay_name = _relay_of(found, lookup)
        if speaker.actor_id is None and relay_id is not None and lookup.outlet(speaker.name):
            # "…, Reuters reported": the agency's own voice, relayed; no actor to propose.
            speaker = Speaker(speaker.phrase, None, "", "outlet")
        speculative, speculation_cue = _speculation(text, speaker, lookup, kind)
        label = "direct quote" if kind == DIRECT_QUOTE else "reported speech"
        return Suggested(
            start=0,
            end=0,
            quote="",
            cue=f"{label}: “{found.cue}”",
            kind=kind,
            speaker_id=speaker.actor_id,
            speaker_name=speaker.name if speaker.actor_id is None else "",
            speculative=speculative,
            speculation_cue=speculation_cue,
            relayed_via_id=relay_id,
            relay_name=relay_name,
        )
    # The outlet's own voice: only hedged statements, and not headings or bare quotes.
    if _is_heading(text) or (quoted_words and quoted_words * 2 >= len(text.split())):
        return None
    cues = status.hedge_cues(text)
    prediction = _PREDICTION_RE.search(text)
    if not cues and not prediction:
        return None
    speculative, speculation_cue = _speculation(text, None, lookup, SPECULATION)
    if cues:
        cue = "the outlet's own voice, hedged: " + ", ".join(f"“{c}”" for c in cues)
    else:
        cue = f"the outlet's own prediction: “{prediction.group(0)}”"
    return Suggested(
        start=0,
        end=0,
        quote="",
        cue=cue,
        kind=SPECULATION,
        speculative=speculative,
        speculation_cue=speculation_cue,
    )


#: "X will contribute to …": the outlet predicting a consequence. Scheduled events
#: ("will be held") are facts, not predictions, and are not listed.
PREDICTION_VERBS = (
    "contribute",
    "lead",
    "result",
    "become",
    "require",
    "mean",
    "help",
    "allow",
    "enable",
    "strengthen",
    "weaken",
    "change",
    "cause",
    "bring",
    "create",
    "undermine",
    "boost",
    "increase",
    "reduce",
    "escalate",
    "trigger",
    "provoke",
    "threaten",
    "transform",
    "shift",
)
_PREDICTION_RE = re.compile(
    r"\b(?:will|would|is going to|are going to|is set to|are set to|is poised to|are poised to)"
    r"\s+(?:\w+ly\s+)?(?:" + "|".join(PREDICTION_VERBS) + r")\b",
    re.IGNORECASE,
)


def _long_quote(text, quotes):
    return any(len(text[s:e].split()) >= DIRECT_QUOTE_MIN_WORDS for s, e in quotes)


def _relay_of(found, lookup):
    """The outlet a suggestion came through: the agency named, or the speaker if an outlet."""
    phrases = [found.relay_phrase] if found.relay_phrase else []
    if found.speaker is not None:
        phrases.append(found.speaker.phrase)
    for phrase in phrases:
        for candidate in [phrase, *_capitalised_runs(phrase)]:
            outlet_id = lookup.outlet(_LEADING_ARTICLE_RE.sub("", candidate))
            if outlet_id is not None:
                return outlet_id, lookup.outlet_name(outlet_id)
    return None, found.relay_phrase


# --------------------------------------------------------------------------
# Relays
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Relay:
    outlet_id: int
    cue: str


@dataclass(frozen=True)
class ProposedRelay:
    name: str
    cue: str

    def as_dict(self):
        return {"name": self.name, "cue": self.cue}


_WORD = r"[A-Z][\w&’'-]*(?:\.\w+)*"  # "Pravda.Ru", not the full stop after a name
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|of|de|la|al))*"
_RELAY_PATTERNS = [
    # "According to Xinhua", "according to the Interfax news agency"
    ("according", re.compile(rf"\b[Aa]ccording to\s+(?:the\s+)?(?P<name>{_NAME})")),
    # "TASS said with reference to the Russian Security Council"
    (
        "reference",
        re.compile(
            rf"(?P<name>{_NAME})\s+(?:news agency\s+)?(?:said|reported|wrote|says|reports)"
            rf"\s+(?:with reference to|citing|quoting)\s+[^.,;:!?]*"
        ),
    ),
    # "RIA Novosti quoted"
    ("quoted", re.compile(rf"(?P<name>{_NAME})\s+quoted\b")),
    # "Interfax reported", "TASS said", "Xinhua reports said"
    (
        "media_verb",
        re.compile(rf"(?P<name>{_NAME})(?:\s+reports?)?\s+(?:reported|said|says|reports)\b"),
    ),
    # "reported by Reuters", "cited by TASS", "told TASS", "in an interview with RT"
    (
        "by",
        re.compile(
            rf"\b(?:reported by|cited by|quoted by|told|in an interview with|speaking to)\s+"
            rf"(?:the\s+)?(?P<name>{_NAME})"
        ),
    ),
    # "state media reports said", "official media reported"
    (
        "state_media",
        re.compile(
            r"\b(?P<name>(?:[Ss]tate|[Oo]fficial|[Gg]overnment)[- ](?:run )?media)"
            r"(?:\s+reports?)?\s+(?:said|reported|says|reports)\b"
        ),
    ),
    # "[Xinhua]": an agency credited in brackets
    ("bracket", re.compile(rf"\[(?P<name>{_NAME})\]")),
]
_MEDIA_VERB_KINDS = {"reference", "quoted", "media_verb", "by"}


_SUBJECT_KINDS = {"reference", "quoted", "media_verb"}


def _outlet_in(name, lookup, kind):
    """The outlet `name` names, as (id, the words that name it), or (None, "").

    Before a verb the outlet ends the name ("On Wednesday RIA Novosti quoted");
    after a preposition it starts it ("according to Xinhua Monday").
    """
    words = name.split()
    for n in range(len(words), 0, -1):
        part = " ".join(words[-n:] if kind in _SUBJECT_KINDS else words[:n])
        outlet_id = lookup.outlet(part)
        if outlet_id is not None:
            return outlet_id, part
    return None, ""


def find_relays(body, lookup, own_outlet_id=None):
    """([Relay], [ProposedRelay]) for the agencies `body` names as its source.

    One relay per outlet (the first cue wins); the article's own outlet is no
    relay. Cues are exact words of the body.
    """
    relays, proposals = {}, {}
    for kind, pattern in _RELAY_PATTERNS:
        for match in pattern.finditer(body):
            name = match.group("name").strip()
            outlet_id, matched = _outlet_in(name, lookup, kind)
            if kind == "according":
                cue = body[match.start() : match.start("name") + len(matched or name)]
            elif kind == "reference":
                cue = match.group(0).rstrip()
                if matched:
                    cue = body[match.start("name") + _offset(name, matched) : match.end()].rstrip()
            elif kind == "quoted" or kind in ("media_verb", "state_media"):
                cue = body[match.start("name") + _offset(name, matched) : match.end()]
            else:
                cue = match.group(0)
            if outlet_id is not None:
                if outlet_id != own_outlet_id and outlet_id not in relays:
                    relays[outlet_id] = Relay(outlet_id, cue)
                continue
            if kind == "bracket" or lookup.actor(name) is not None:
                continue
            proposed = _proposable(name, kind)
            if proposed and proposed.lower() not in proposals:
                proposals[proposed.lower()] = ProposedRelay(proposed, cue)
    ordered = sorted(relays.values(), key=lambda relay: body.find(relay.cue))
    return ordered, sorted(proposals.values(), key=lambda proposal: body.find(proposal.cue))


def _offset(name, matched):
    """Where `matched` (the outlet's words) starts inside `name`."""
    if not matched:
        return 0
    index = name.rfind(matched)
    return max(index, 0)


def _proposable(name, kind):
    """The name to propose as an unknown agency, or "" when it does not look like media."""
    if kind == "state_media":
        return name.lower()
    words = name.split()
    if any(w.lower().strip(".,’'") in _MEDIA_WORDS for w in words):
        return name
    if kind in _MEDIA_VERB_KINDS and len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", words[0]):
        return name  # "AFP reported", "TASS said" (when no outlet is called TASS yet)
    return ""
