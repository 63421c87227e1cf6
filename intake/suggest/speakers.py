"""Who a phrase names as the speaker: resolve_speaker, against a Lookup."""

import re
from dataclasses import dataclass
from functools import cached_property

from intake.suggest.lookup import PERSON_KINDS
from intake.suggest.words import (
    ANAPHORIC_NOUNS,
    DEMONYM_COUNTRIES,
    DEMONYMS,
    FUNCTION_WORDS,
    NAME_PARTICLES,
    ORG_WORDS,
    PRONOUNS,
    REPORTING_VERBS,
    SPEAKER_NOUNS,
    TITLE_NOUNS,
    TITLE_WORDS,
)

# --------------------------------------------------------------------------
# Speaker phrases
# --------------------------------------------------------------------------


def _phrase_pattern(phrases):
    alternatives = sorted((r"\s+".join(map(re.escape, p.split())) for p in phrases), key=len)
    return r"(?<![\w-])(?:" + "|".join(reversed(alternatives)) + r")(?![\w-])"


VERB_RE = re.compile(_phrase_pattern(REPORTING_VERBS))
ACCORDING_RE = re.compile(r"(?<![\w-])[Aa]ccording to\s+")
REFERENCE_RE = re.compile(r"(?<![\w-])(?:with reference to|citing|quoting)\s+")
QUOTED_AS_RE = re.compile(r"^\s*(?P<who>.+?)\s+as\s+(?:saying|stating|telling)\b")
PHRASE_END_RE = re.compile(
    r"\s+(?:following|after|during|on|in|at|who|which|that|when|as|while|because|before)\s"
    r"|[,.;:!?()\[\]“”\"«»—–]"
)
_STATEMENT_BY_RE = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:statement|report|release|communiqu[ée]|readout|"
    r"transcript|post|interview|message|remarks|comments)s?\s+(?:(?:released|issued|published|"
    r"posted|made|given|carried|sent)\s+)?(?:by|from|of)\s+",
    re.IGNORECASE,
)
LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
DETERMINERS = frozenset(
    ["the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those"]
)


def capitalised_runs(phrase):
    """Runs of capitalised words in a phrase, as strings ("Russian Security Council")."""
    runs, current = [], []
    for raw in phrase.split():
        word = raw.strip(',.;:!?()[]“”"«»')
        if not word:
            continue
        if (
            word[0].isupper()
            and (current or word.lower() not in FUNCTION_WORDS)
            or current
            and word.lower() in NAME_PARTICLES
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
        while run and run[-1].lower() in NAME_PARTICLES:
            run = run[:-1]
        if run:
            cleaned.append(" ".join(run))
    return cleaned


def _strip_possessive(word):
    return re.sub(r"[’']s$", "", word)


def _name_in(run):
    """A run without its leading titles: "Army General Sergei Shoigu" → "Sergei Shoigu"."""
    words = run.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


def is_person_like(name):
    words = name.split()
    return (
        1 <= len(words) <= 4
        and not any(w.lower() in ORG_WORDS for w in words)
        and words[0].lower() not in TITLE_WORDS
    )


@dataclass
class Speaker:
    phrase: str  # as written, e.g. "political scientist Marat Bashirov"
    actor_id: int | None = None
    name: str = ""  # the actor's name, or the proposed name
    how: str = ""  # name, alias, title, pronoun, description, proposed


class SpeakerContext:
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
            for run in reversed(capitalised_runs(text)):
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
    otherwise last ("… political scientist Marat Bashirov"). Tried in order:
    a pronoun (the last person named), a title phrase (its role, or nobody),
    the phrase or its first words, a possessive ("Xi’s government": the body),
    the capitalised names in it, its role words, a definite description
    pointing back; else the name or the phrase is proposed as written.
    """
    phrase = phrase.strip(" ,;:—–-\u00a0")
    phrase = _STATEMENT_BY_RE.sub("", phrase)
    if not phrase or len(phrase.split()) > 12:
        return None
    if phrase.lower() in PRONOUNS:
        actor_id = context.last_person() if context else None
        if actor_id is None:
            return None
        return Speaker(phrase, actor_id, lookup.info(actor_id).name, "pronoun")
    named = _Phrase(phrase, lookup, context, head_first)
    if named.is_title():
        return named.by_title()
    for step in (
        named.by_leading_words,
        named.by_possession,
        named.by_names_in,
        named.by_role,
        named.by_description,
        named.proposed_name,
    ):
        speaker = step()
        if speaker is not None:
            return speaker
    if not speaker_like(named.bare):
        return None
    return named.proposed(phrase)


class _Phrase:
    """A phrase naming a speaker, and the ways resolve_speaker tries to resolve it.

    Each by_* method returns a Speaker, or None to try the next way.
    """

    def __init__(self, phrase, lookup, context, head_first):
        self.phrase = phrase
        self.lookup = lookup
        self.context = context
        self.head_first = head_first
        self.bare = LEADING_ARTICLE_RE.sub("", phrase)
        self.words = self.bare.split()
        self.coordinated = re.search(r"\s(?:and|&)\s", self.bare) is not None

    @cached_property
    def runs(self):
        """The capitalised names in it, nearest the verb first."""
        runs = capitalised_runs(self.bare)
        return runs if self.head_first else runs[::-1]

    def found(self, actor_id, how):
        return Speaker(self.phrase, actor_id, self.lookup.info(actor_id).name, how)

    def proposed(self, name):
        return Speaker(self.phrase, None, name, "proposed")

    def is_title(self):
        """A title phrase: "the secretary of the Russian Security Council", "the
        Russian security council secretary"."""
        title_of = re.search(r"\b(\w+)\s+(?:of|for)\s", self.bare)
        if title_of and title_of.group(1).lower() in TITLE_NOUNS:
            return True
        return len(self.words) >= 2 and self.words[-1].lower() in TITLE_NOUNS

    def by_title(self):
        """Its role, or nobody known (the council it names is not the speaker)."""
        actor_id = self.lookup.actor(self.bare) or self.lookup.actor_by_title(self.bare)
        if actor_id is not None:
            return self.found(actor_id, "title")
        return self.proposed(self.phrase)

    def by_leading_words(self):
        """The phrase itself, or its first words ("Patrushev’s office following the talks")."""
        words = self.words
        for n in range(1 if self.coordinated else min(len(words), 6), 0, -1):
            part = self.bare if self.coordinated else " ".join(words[:n])
            if n == 1 and len(words) > 1 and words[0].lower() in TITLE_WORDS:
                continue
            actor_id = self.lookup.actor(part)
            if actor_id is not None:
                return self.found(actor_id, "name")
        return None

    def by_possession(self):
        """ "Xi’s government", "Patrushev’s office": the body, not the person."""
        possessed = re.fullmatch(r"(.+?)[’']s\s+(\w+)", self.bare)
        if possessed and possessed.group(2).lower() in SPEAKER_NOUNS | ORG_WORDS:
            return self.proposed(self.phrase)
        return None

    def by_names_in(self):
        """A capitalised name in it, whole or its last words or its last word's owner."""
        if self.coordinated:
            return None
        for run in self.runs:
            parts = run.split()
            candidates = [run, _name_in(run)]
            candidates += [" ".join(parts[i:]) for i in range(1, len(parts))]
            candidates += [_strip_possessive(parts[-1])]
            for candidate in candidates:
                actor_id = self.lookup.actor(candidate)
                if actor_id is not None:
                    return self.found(actor_id, "name")
        return None

    def by_role(self):
        """The role words ("the Chinese defense minister")."""
        actor_id = self.lookup.actor_by_title(self.bare)
        return self.found(actor_id, "title") if actor_id is not None else None

    def by_description(self):
        """A definite description pointing back ("the Chinese representative")."""
        described = re.fullmatch(r"(?:the|The)\s+(\w+)\s+(\w+)", self.phrase)
        if self.context is None or not described:
            return None
        if described.group(2).lower() not in ANAPHORIC_NOUNS:
            return None
        country = DEMONYM_COUNTRIES.get(described.group(1).lower())
        actor_id = self.context.last_person(country) if country else None
        return self.found(actor_id, "description") if actor_id is not None else None

    def proposed_name(self):
        """Nobody known: a person-like name in it, proposed as written."""
        if self.coordinated:
            return None
        for run in self.runs:
            name = _name_in(run)
            if is_person_like(name) and name.lower() not in DEMONYMS:
                return self.proposed(name)
        return None


def speaker_like(phrase):
    """True when a phrase can name a speaker: a proper name, a pronoun or a speaker noun."""
    words = [w.strip(",.;:’'\"“”") for w in phrase.split()]
    if not words or len(words) > 8:
        return False
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return True
    if any(w.lower() in SPEAKER_NOUNS for w in words):
        return True
    return any(w[:1].isupper() and w.lower() not in FUNCTION_WORDS for w in words if w)
