"""The answer to a sign-in refused by django-axes: 429, when to try again in words, and Retry-After."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext


def lockout_response(request, original_response=None, credentials=None):
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cool_off.total_seconds() / 60))
    response = render(
        request,
        "admin/locked_out.html",
        {"title": gettext("Sign-in paused"), "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
