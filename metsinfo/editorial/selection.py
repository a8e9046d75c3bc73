"""Admin actions refuse a selection that names no object, with Django's own warning.

Django's ``ModelAdmin.response_action`` takes any posted ``_selected_action`` list as a selection
and filters the primary key by it: a list holding ``""`` (or any text that is not a key) raised
``ValueError`` inside the query, a 500 (security review 2026-12, section 6). A browser only ever
sends the keys of ticked rows, so such a post was made by hand: it gets the warning Django gives
for an empty selection, "Items must be selected...", and nothing is changed.

``check_selections`` gives every registered ModelAdmin this rule (the site's own and Django's
or axes' alike), once, when the editorial app is ready, after the admin has found them all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

NOTHING_SELECTED = "Items must be selected in order to perform actions on them. No items have been changed."


class SelectionCheckMixin:
    """``response_action`` that first checks that each selected value is a primary key."""

    def response_action(self, request: HttpRequest, queryset: QuerySet, *args: Any, **kwargs: Any) -> Any:
        primary_key = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                primary_key.to_python(value)
        except ValidationError:
            self.message_user(request, gettext(NOTHING_SELECTED), messages.WARNING)
            return None
        return super().response_action(request, queryset, *args, **kwargs)


def check_selections(site: admin.AdminSite) -> None:
    """Register every ModelAdmin of ``site`` again as a subclass with ``SelectionCheckMixin``."""
    for model, model_admin in list(site._registry.items()):
        base = type(model_admin)
        if issubclass(base, SelectionCheckMixin):
            continue
        checked: type[admin.ModelAdmin] = type(
            base.__name__, (SelectionCheckMixin, base), {"__module__": base.__module__, "__doc__": base.__doc__}
        )
        site.unregister(model)
        site.register(model, checked)
