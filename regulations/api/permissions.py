from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class ConsultantWrite(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writing needs the model permission, which the Consultant group holds."""
