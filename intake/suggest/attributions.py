"""Suggested attributions in a text: suggest(body, lookup)."""

import re
from dataclasses import dataclass

from intake.suggest.speakers import (
    ACCORDING_RE,
    DETERMINERS,
    LEADING_ARTICLE_RE,
    PHRASE_END_RE,
    QUOTED_AS_RE,
    REFERENCE_RE,
    VERB_RE,
    Speaker,
    SpeakerContext,
    capitalised_runs,
    is_person_like,
    resolve_speaker,
    speaker_like,
)
from intake.suggest.text import (
    BULLET_RE,
    LINE_RE,
    count_quoted_words,
    is_inside,
    quote_spans,
    sentences,
)
from intake.suggest.words import ADVERBS, MEDIA_WORDS, PREPOSITIONS
from lib.cues import PUNDIT_RE, hedge_cues

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
    return bool(words & MEDIA_WORDS)


def _find_after_quote(sentence, quotes, lookup, context):
    """“…,” X said / said X / X quoted Y as saying: the words after a quote."""
    for _, q_end in quotes:
        following = [s for s, _ in quotes if s >= q_end]
        stop = following[0] if following else len(sentence)
        tail = sentence[q_end:stop]
        match = VERB_RE.search(tail)
        if match is None:
            continue
        before = tail[: match.start()].strip(" ,;:—–-\u00a0")
        after = tail[match.end() :]
        verb = match.group(0)
        if len(before.split()) > 8:
            continue
        if verb == "quoted":
            quoted = QUOTED_AS_RE.match(after)
            if quoted:
                speaker = resolve_speaker(quoted.group("who"), lookup, context)
                if speaker:
                    return _Found(speaker, f"{verb} … as saying", relay_phrase=before)
            continue
        if before:
            speaker = resolve_speaker(before, lookup, context)
        else:
            who = PHRASE_END_RE.split(after.strip(), maxsplit=1)[0]
            speaker = resolve_speaker(who, lookup, context, head_first=True)
        if speaker:
            reference = REFERENCE_RE.search(after)
            if reference:
                who = PHRASE_END_RE.split(after[reference.end() :], maxsplit=1)[0]
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
    for match in VERB_RE.finditer(sentence):
        if is_inside(quotes, match.start()):
            continue
        verb = match.group(0)
        before = sentence[: match.start()]
        previous = before.split()[-1:] if before.split() else []
        if previous and previous[0].lower() in DETERMINERS:
            continue  # "the reported deal"
        if verb == "quoted":
            quoted = QUOTED_AS_RE.match(sentence[match.end() :])
            if not quoted:
                continue
            speaker = resolve_speaker(quoted.group("who"), lookup, context)
            if speaker:
                return _Found(speaker, "quoted … as saying", relay_phrase=before.strip())
            continue
        speaker = _subject(before, lookup, context)
        if speaker is not None:
            after = sentence[match.end() :]
            reference = REFERENCE_RE.match(after.lstrip())
            if reference:
                who = PHRASE_END_RE.split(after.lstrip()[reference.end() :], maxsplit=1)[0]
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
    while words and words[-1].lower().strip(",") in ADVERBS:
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
    if re.search(r"\s(?:and)$", " " + direct.rstrip()):
        return _clause_subject(segments, lookup, context)
    stripped = _strip_adverbs(direct)
    if stripped:
        return _adjacent_subject(stripped, segments, lookup, context)
    return _subject_before_comma(segments, lookup, context)


def _is_clause(segment):
    """A segment that can name a subject: not empty, not opening with a preposition."""
    return bool(segment) and segment.split()[0].lower() not in PREPOSITIONS


def _is_appositive(phrase):
    """ "the Russian security council secretary": a description set beside a name."""
    return bool(LEADING_ARTICLE_RE.match(phrase)) and phrase[:1].islower()


def _clause_subject(segments, lookup, context):
    """ "Xi met Nikolai Patrushev … and said": the subject of the whole clause."""
    first = next((s for s in segments[::-1] if _is_clause(s)), "")
    runs = capitalised_runs(first.split(" ")[0] if first else "")
    return resolve_speaker(runs[0], lookup, context) if runs else None


def _adjacent_subject(stripped, segments, lookup, context):
    """The words right before the verb, or, for an appositive there, the name before it."""
    if len(stripped.split()) > 8 or not speaker_like(stripped):
        return None
    speaker = resolve_speaker(stripped, lookup, context)
    if speaker and (speaker.actor_id is not None or not _is_appositive(stripped)):
        return speaker
    # "Nikolai Patrushev, the Russian security council secretary, said": the name before.
    for segment in segments[1:3]:
        segment = _strip_adverbs(segment)
        if not _is_clause(segment):
            continue
        named = resolve_speaker(segment, lookup, context)
        if named and (named.actor_id is not None or is_person_like(named.name)):
            return named
        break
    return speaker


def _subject_before_comma(segments, lookup, context):
    """The verb follows a comma: walk back over appositions and adverbials."""
    for segment in segments[1:5]:
        segment = _strip_adverbs(segment)
        if not _is_clause(segment) or len(segment.split()) > 8 or not speaker_like(segment):
            continue
        speaker = resolve_speaker(segment, lookup, context)
        if speaker and (speaker.actor_id is not None or not _is_appositive(segment)):
            return speaker
    return None


def _find_reference(sentence, quotes, lookup, context):
    """X said with reference to Y / X, citing Y, said: Y speaks, X relays."""
    for match in REFERENCE_RE.finditer(sentence):
        if is_inside(quotes, match.start()):
            continue
        before = sentence[: match.start()]
        after = sentence[match.end() :]
        who = PHRASE_END_RE.split(after, maxsplit=1)[0]
        verbs = list(VERB_RE.finditer(before))
        verb = verbs[-1] if verbs else None
        if verb is not None and not before[verb.end() :].strip():
            relay = _segments_before(before[: verb.start()])[0]
        elif before.rstrip().endswith(","):
            # "Interfax, citing a source in the delegation, said …"
            clause = re.match(r"[^,;.]+,\s*", after)
            following = VERB_RE.match(after, clause.end()) if clause else None
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
    for match in ACCORDING_RE.finditer(sentence):
        if is_inside(quotes, match.start()):
            continue
        rest = sentence[match.end() :]
        who = PHRASE_END_RE.split(rest, maxsplit=1)[0]
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
            pundit = PUNDIT_RE.search(speaker.phrase) or (
                info and PUNDIT_RE.search(f"{info.name} {info.role}")
            )
            if pundit:
                reasons.append(f"pundit: “{pundit.group(0)}”")
    cues = hedge_cues(text)
    if cues:
        reasons.append("hedged: " + ", ".join(f"“{cue}”" for cue in cues))
    return bool(reasons), "; ".join(reasons)


def _is_heading(text):
    stripped = text.rstrip()
    return (
        not stripped.endswith((".", "!", "?", "”", '"', "»", ":", ")"))
        and len(stripped.split()) < 16
    )


def suggest(body, lookup):
    """The attributions a careful editor would look at in `body`, in text order."""
    context = SpeakerContext(lookup)
    results = []
    lines = [(m.start(), m.group(0)) for m in LINE_RE.finditer(body)]
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
        if BULLET_RE.match(line):
            end = line_start + len(line.rstrip())
            continue
        break
    return end


def _suggest_sentence(text, quotes, lookup, context):
    """The Suggested of one sentence (offsets not yet set), or None."""
    found = _find_reference(text, quotes, lookup, context)
    if found is None:
        after_quote = _find_after_quote(text, quotes, lookup, context) if quotes else None
        reported = _find_reported(text, quotes, lookup, context)
        according = _find_according(text, quotes, lookup, context)
        found = _preferred(after_quote, reported, according)
        if found is None and quotes and according:
            found = according
    if found is not None and found.speaker is not None:
        return _attributed(text, quotes, found, lookup)
    return _own_voice(text, quotes, lookup)


def _preferred(after_quote, reported, according):
    """Which of the attributions found in one sentence names its speaker best, or None.

    An explicit relay ("quoted … as saying", "with reference to") first; then
    the words after a quote, "according to", or reported speech, preferring a
    person over a media outlet (which then relays).
    """
    if after_quote and after_quote.relay_phrase:
        return after_quote
    if reported and reported.relay_phrase:
        return reported
    if after_quote and not (after_quote.media_speaker and reported):
        return after_quote
    if according and not (according.media_speaker and reported):
        return according
    if reported:
        tail = after_quote or according
        if tail and tail.media_speaker:
            reported.relay_phrase = tail.speaker.phrase
        return reported
    return None


def _attributed(text, quotes, found, lookup):
    """The Suggested for a sentence whose speaker was found."""
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


def _own_voice(text, quotes, lookup):
    """The outlet's own voice: only hedged statements and predictions, and not
    headings or bare quotes; a Suggested of kind speculation, or None."""
    quoted_words = count_quoted_words(text, quotes)
    if _is_heading(text) or (quoted_words and quoted_words * 2 >= len(text.split())):
        return None
    cues = hedge_cues(text)
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
        for candidate in [phrase, *capitalised_runs(phrase)]:
            outlet_id = lookup.outlet(LEADING_ARTICLE_RE.sub("", candidate))
            if outlet_id is not None:
                return outlet_id, lookup.outlet_name(outlet_id)
    return None, found.relay_phrase
