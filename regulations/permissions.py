"""Who may read what: signed-in staff read drafts and internal annotations, everyone else the published text."""

INTERNAL_PERMISSION = "regulations.view_internal"


def can_read_internal(user) -> bool:
    """Signed-in staff (both groups hold the permission) read drafts and internal annotations."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(INTERNAL_PERMISSION))
