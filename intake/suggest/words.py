"""The suggester's word lists: reporting verbs, titles, speaker nouns, demonyms and more."""


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
SPELLINGS = {"defence": "defense", "councillor": "councilor", "organisation": "organization"}
ROLE_STOPWORDS = _words("""
    a an and as at by for from her his in its of on s since the their to until with
""")
# Words in a title phrase that every role would match ("a senior official").
GENERIC_TITLE_WORDS = _words("""
    chief current high ranking senior top
""")
# Nouns a definite description may end in to point back at someone already named.
ANAPHORIC_NOUNS = _words("""
    counterpart delegate diplomat envoy guest host leader minister official president
    representative side
""")
PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person"}

# Words that start a capitalised run but name nobody.
FUNCTION_WORDS = _words("""
    a according after all also although an and as at because before both but by despite
    during each for from he her here his how however i if in it its many meanwhile most
    my on one or our she since so some speaking that the their then there these they
    this those though three two we what when where which while who why with yet you
""")
NAME_PARTICLES = _words("""
    al bin da de del den der di ibn la le of van von
""")
# Leading words of a capitalised run that are titles, not names.
TITLE_WORDS = (
    TITLE_NOUNS
    | frozenset(DEMONYMS)
    | _words("""
    acting analyst army colonel colonel-general councillor defence defense deputy dr
    economy expert finance first foreign former gov interior lieutenant lieutenant-general
    major major-general mr mrs ms national political prime prof professor rep
    scientist security sen senator sinologist state trade vice
""")
)
ORG_WORDS = _words("""
    agency commission committee council daily department government kremlin media
    ministry news office organisation organization party post press service times
""")
# A name that resolves to no outlet is proposed as a relay when it looks like media.
MEDIA_WORDS = _words("""
    agency bloomberg broadcaster broadcasting channel daily gazette herald interfax
    journal media network news newspaper post press radio reuters telegraph times
    tribune tv wire
""")
ADVERBS = _words("""
    again already also earlier frequently further had has have in later now often once
    previously recently repeatedly reportedly still then turn
""")
PREPOSITIONS = _words("""
    after amid among at before by during following for from in near on over speaking
    under via with citing quoting according
""")
# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = _words("""
    adm approx apr aug capt co col corp dec dr e.g e.u etc feb gen gen. gov i.e inc jan
    jr jul jun lt ltd maj mar mr mrs ms no nov oct prof rep sen sep sept sgt sr st u.k
    u.n u.s vs
""")
