"""Outlet resolution: the outlet an article names, matched against known outlets only."""


def resolve_outlet(article, lookup, notes):
    """The id of the outlet `article` names (name or alias, else its site's domain), or None.

    An outlet name that matches nothing is left as a note (appended to `notes`)
    for editors: an outlet is never created or guessed.
    """
    outlet_id = lookup.outlet(article.outlet_name) if article.outlet_name else None
    if outlet_id is None and article.site_domain:
        outlet_id = lookup.outlet_by_domain(article.site_domain)
    if outlet_id is None and article.outlet_name:
        notes.append(
            f"The outlet “{article.outlet_name}” ({article.outlet_cue or 'as given'}) matches "
            "no outlet name or alias; the outlet is left empty."
        )
    return outlet_id
