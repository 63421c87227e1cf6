"""Who says what in an article: suggested attributions and relayed agencies.

A pure module: it imports nothing from Django or an app, only lib (the cue
lists of lib.cues, lib.text), and reads actors and outlets from the rows a
Lookup is given. intake.suggestions gives it the database's and stores what
it finds as Suggestion rows, which wait in the editors' queue.

    lookup = Lookup(loader)                 actors, aliases, roles and outlets, loaded once
                                            (intake.suggest.lookup)
    suggest(body, lookup)                   [Suggested], in text order
                                            (intake.suggest.attributions)
    find_relays(body, lookup, own_outlet)   ([Relay], [ProposedRelay])
                                            (intake.suggest.relays)

The other modules: words (the word lists), text (quoted passages and
sentences), speakers (resolve_speaker: who a phrase names).

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

Speculation reuses lib.cues: its HEDGE_CUES (hedge_cues()) over the
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
