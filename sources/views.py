"""Views of the sources app (issue 4).

Every view enforces its role with provenance.access.require_perm.
"""

from provenance.access import require_perm  # noqa: F401
