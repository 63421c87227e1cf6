"""The article importer: files in, one Source per article, one ImportBatch per run.

Every step is a small function, so a format or a rule can change without the rest.
The package, by concern:

    articles      ArticleData (what a parser found), Parsed, FileOutcome, ImportResult
    files         collect_files(paths): files, folders (walked, sorted); missing paths kept
                  read_file(path): the bytes, within settings.IMPORT_MAX_BYTES
                  sniff(data): the format from the content, never the file name:
                    zip, html, jsonl, csv or text; binary refused
                  detect_encoding(data): a byte-order mark, UTF-8, else
                    charset-normalizer's guess, sure or not (MAX_CHAOS); binary,
                    empty and NUL refused
    metadata      analyse_text / parse_plain_text(text): title, byline, date, outlet
                  signature, cleaned body
    formats       parse_bytes(data, label): [Parsed], one per article, or per failed
                  file / row; parse_html (trafilatura: title, author, date, site name,
                  main text), parse_jsonl / parse_csv (named fields, per-row errors),
                  parse_zip (members parsed as above; bombs and traversal refused)
    outlets       resolve_outlet: the outlet an article names, among known outlets
    duplicates    the sources an article duplicates (text or URL)
    run           ImportRun: its options, its batch; one Source per article with its
                  relays and suggested attributions, in groups of COMMIT_EVERY

The entry points (the admin upload, manage.py import_articles, load_demo) call
intake.actions.import_articles / import_files / import_article.

Stored text. `Source.original_text` keeps the text as decoded (for HTML, the
text the extractor found; the page itself is kept in `raw_html`, never
rendered). `Source.body` is that text cleaned: line endings made "\\n"; the
byline and date lines, a repeated title line and site furniture removed
(follow/subscribe lines, comment forms, "Newsroom logo", "None", author and
editor footers, the outlet's signature, a caption repeating a paragraph);
trailing blanks dropped. The title line stays: the body is the article from
its headline down (two articles with one text under different headlines are
two articles).
Every kept line is kept character for character, so attribution offsets point
into the body and quotes copied from the original are found in it.

Metadata is never guessed. A field the text does not give is left empty and
the source is flagged "needs metadata" (Source.missing_metadata) for editors.
The outlet comes from a signature ("Subscribe to Pravda.Ru …", "TBP and
Agencies"), an HTML site name or domain, or a row's field, and only when it
matches an outlet's name, alias or domain; an unknown name is left as a note.

Relays and suggestions come from intake.suggest: known agencies become
SourceRelay rows (inserted together; the claims they affect are refreshed once per
group of articles, in its transaction, through a claims.derived.Refresh),
unknown agencies are proposed on the source (Source.proposed_relays), and
suggested attributions wait in the editors' queue (intake.models.Suggestion).

Duplicates: the same cleaned text, the same original text (content hash) or
the same URL as an existing source, or as an earlier article of the same run.
"""
