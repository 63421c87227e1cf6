"""Access helpers shared by every view: who may see or do what.

Every page needs a signed-in user. A signed-out visitor is redirected to the
sign-in page (settings.LOGIN_URL) and comes back afterwards; a signed-in user
whose role lacks the permission gets 403. Code asks for permissions, never for
group names (see claims/roles.py).

    @require_perm("claims.view_claim")
    def claim_list(request): ...

    @require_perm("claims.view_claim", "claims.record_verdict")   # needs both
    def record_verdict(request, pk): ...

Inside a view, `check_perm(request, "claims.change_claim")` raises 403 for a
permission that only some branches need. check_may_create and may_delete_note
are the rules that depend on what a write does or on whose row it is; the web
views and the API both ask them.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def check_perm(request, *perms):
    """Raise PermissionDenied unless the signed-in user has every one of `perms`."""
    if not request.user.has_perms(perms):
        raise PermissionDenied


def require_perm(*perms):
    """View decorator: sign-in required, then every one of `perms` (403 otherwise)."""
    if not perms:
        raise TypeError("require_perm needs at least one permission, e.g. 'claims.view_claim'.")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_perm(request, *perms)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def check_may_create(user, *, new_actor=None, tags=()):
    """Raise PermissionDenied unless `user` may create what a write would create:
    `new_actor` (an unsaved actor, or None) needs claims.add_actor, any unsaved tag
    (pk None) in `tags` claims.add_tag."""
    if new_actor is not None and not user.has_perm("claims.add_actor"):
        raise PermissionDenied
    if any(tag.pk is None for tag in tags or ()) and not user.has_perm("claims.add_tag"):
        raise PermissionDenied


def may_delete_note(user, note):
    """Whether `user` may delete `note` (an annotation): a moderator
    (claims.moderate_annotation) any note, its author (with claims.change_annotation)
    their own."""
    if user.has_perm("claims.moderate_annotation"):
        return True
    return note.author_id == user.pk and user.has_perm("claims.change_annotation")
