"""Duplicates: an article whose cleaned text, original text or URL a source already has."""

from django.db.models import Q

from sources.models import Source


def duplicate_message(existing, article):
    """Why `article` is a duplicate of the source `existing`, for the run's report."""
    hashes = {h for h in article.hashes() if h}
    reason = "same text" if existing.content_hash in hashes else "same URL"
    return f"duplicate of source #{existing.pk} “{existing}” ({reason})"


def duplicate_keys(article):
    """(the article's content hashes, its URL): what a duplicate shares with it."""
    return {h for h in article.hashes() if h}, article.url


def find_duplicate(article, known=None):
    """An existing source with the article's text or URL, or None.

    `known` (from duplicate_index) answers without a query, for dry runs.
    """
    hashes, url = duplicate_keys(article)
    if known is not None:
        return next((known[key] for key in [*sorted(hashes), url] if key and key in known), None)
    # Two lookups, each on its own unique index (an OR of the two would scan the table).
    existing = Source.objects.filter(content_hash__in=hashes).order_by("pk").first()
    if existing is None and url:
        existing = Source.objects.filter(url=url).order_by("pk").first()
    return existing


def duplicate_index(articles, chunk=400):
    """{content hash or URL: existing Source} for many articles, in few queries."""
    hashes, urls = set(), set()
    for article in articles:
        article_hashes, url = duplicate_keys(article)
        hashes |= article_hashes
        if url:
            urls.add(url)
    index = {}
    hashes, urls = sorted(hashes), sorted(urls)
    for i in range(0, max(len(hashes), len(urls)), chunk):
        condition = Q(content_hash__in=hashes[i : i + chunk]) | Q(url__in=urls[i : i + chunk])
        rows = (
            Source.objects.filter(condition).order_by().only("pk", "title", "content_hash", "url")
        )
        for source in rows:
            index.setdefault(source.content_hash, source)
            if source.url:
                index.setdefault(source.url, source)
    return index
