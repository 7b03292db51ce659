from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly

INTERNAL_PERMISSION = "regulations.view_internal"


class ConsultantWrite(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writing needs the model permission, which the Consultant group holds."""


def can_read_internal(user) -> bool:
    """Signed-in staff (both groups hold the permission) read drafts and internal annotations."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(INTERNAL_PERMISSION))
