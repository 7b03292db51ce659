"""Helpers the test modules share: admin addresses and forms as a browser posts them, and edits with a reason."""

from django.urls import reverse


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _form_fields(form, data):
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[bound.html_name] = [str(item) for item in value] if isinstance(value, list | tuple) else str(value)


def form_data(response, **changes):
    """What the browser would post back from a rendered admin change page (fresh or refused), with changes."""
    assert response.status_code == 200
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):  # the revert form has none
        _form_fields(inline.formset.management_form, data)
        for form in inline.formset.forms:
            _form_fields(form, data)
    data.update(changes)
    return data


def change_form_data(client, obj, **changes):
    """What the browser would post back from the object's change page, with some fields changed."""
    return form_data(client.get(admin_url(type(obj), "change", obj.pk)), **changes)


def inline_prefix(data, name, obj):
    """The form prefix of `obj` in the inline `name` of posted admin data."""
    for key, value in data.items():
        if key.startswith(f"{name}-") and key.endswith("-id") and value == str(obj.pk):
            return key.removesuffix("-id")
    raise AssertionError(f"{obj} is not in the {name} inline")


def edit(instance, reason="", **values):
    """Save `instance` with `values` set, recording `reason` as the history's change note."""
    for name, value in values.items():
        setattr(instance, name, value)
    instance._change_reason = reason
    instance.save()
    return instance


def whoosh_at(path):
    """A SEARCH_BACKENDS setting with the Whoosh index in `path`."""
    return {"default": {"BACKEND": "search.backends.whoosh", "PATH": path}}
