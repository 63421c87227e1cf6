"""Lookup: the actors and outlets the suggester knows, from rows it is given, in memory."""

import re
from dataclasses import dataclass

from intake.suggest.words import (
    DEMONYMS,
    GENERIC_TITLE_WORDS,
    ROLE_STOPWORDS,
    SPELLINGS,
    TITLE_NOUNS,
    TITLE_WORDS,
)
from lib.text import normalize_name

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
        token = SPELLINGS.get(token, token)
        token = DEMONYMS.get(token, token)
        if token not in ROLE_STOPWORDS and not token.isdigit():
            tokens.add(token)
    return frozenset(tokens)


class Lookup:
    """Actors (names, aliases, name parts, roles) and outlets (names, aliases), in memory.

    `loader()` returns the rows the lookup knows, as four iterables:
    actors (pk, name, name_key, kind, role, country), actor aliases
    (actor_id, name_key), outlets (pk, name, name_key, domain) and outlet
    aliases (outlet_id, name_key). It is called once, lazily, the first time a
    suggestion or relay needs it; one Lookup serves a whole import run.
    intake.suggestions.database_lookup() reads them from the database;
    Lookup.from_rows() takes them as given; Lookup() knows nobody.
    """

    def __init__(self, loader=None):
        self.loader = loader
        self._loaded = False
        self._actor_cache = {}
        self._outlet_cache = {}

    @classmethod
    def empty(cls):
        return cls()

    @classmethod
    def from_rows(cls, actors=(), actor_aliases=(), outlets=(), outlet_aliases=()):
        return cls(lambda: (actors, actor_aliases, outlets, outlet_aliases))

    def _load(self):
        if self._loaded:
            return
        self._fill(*(self.loader() if self.loader else ((), (), (), ())))

    def _fill(self, actors, actor_aliases, outlets, outlet_aliases):
        self._loaded = True
        self.actors = {}
        self.actor_keys = {}
        parts = {}
        for pk, name, key, kind, role, country in actors:
            self.actors[pk] = ActorInfo(pk, name, kind, role, country)
            self.actor_keys[key] = pk
            words = [w for w in key.split() if w not in TITLE_WORDS]
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
        tokens = _role_tokens(phrase) - GENERIC_TITLE_WORDS
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
