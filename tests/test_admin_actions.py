"""An admin action posted without a usable selection gets Django's warning, never a 500.

The security review (2026-12, section 6) saw a 500 for a changelist action posted with an empty
``_selected_action``: Django's ``response_action`` treats ``[""]`` as a selection and filters the
primary key by ``""``, which raises ``ValueError``. Every ModelAdmin on the site, for each of its
actions, is posted an empty, a non-numeric and a mixed selection, over HTTP, by a superuser.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from metsinfo.comments.models import Comment

WARNING = "Items must be selected in order to perform actions on them. No items have been changed."


def _actions() -> list[tuple[str, str]]:
    """(changelist URL name, action) for every registered ModelAdmin and each of its actions."""
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return [
        (f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", action)
        for model, model_admin in admin.site._registry.items()
        for action in model_admin.get_actions(request)
    ]


ACTIONS = _actions()


def test_the_site_has_its_own_actions_to_check():
    names = {action for _, action in ACTIONS}
    assert {"approve", "reject", "mark_spam", "delete_selected"} <= names
    assert {url.split("_")[0] for url, _ in ACTIONS} >= {"admin:articles", "admin:comments"}


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("chief", password="a long chief editor password"))
    return client


@pytest.mark.parametrize("selection", [[""], ["not-a-number"], ["", "  "]], ids=["empty", "text", "blanks"])
@pytest.mark.parametrize(("changelist", "action"), ACTIONS, ids=[f"{u.split(':')[1]}-{a}" for u, a in ACTIONS])
def test_an_action_without_a_usable_selection_is_refused_with_djangos_warning(
    superuser_client, changelist, action, selection
):
    url = reverse(changelist)
    response = superuser_client.post(url, {"action": action, "_selected_action": selection, "index": "0"}, follow=True)
    assert response.status_code == 200
    assert WARNING in [str(message) for message in response.context["messages"]]


def test_a_real_key_beside_a_blank_changes_nothing_either(superuser_client, seeded):
    comment = Comment.objects.create(article=Comment.objects.first().article, body="Thank you for this page.")
    url = reverse("admin:comments_comment_changelist")
    data = {"action": "mark_spam", "_selected_action": ["", str(comment.pk)], "index": "0"}
    response = superuser_client.post(url, data, follow=True)
    assert WARNING in [str(message) for message in response.context["messages"]]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_real_selection_is_still_acted_on(superuser_client, seeded):
    comment = Comment.objects.create(article=Comment.objects.first().article, body="Thank you for this page.")
    url = reverse("admin:comments_comment_changelist")
    superuser_client.post(url, {"action": "mark_spam", "_selected_action": [str(comment.pk)], "index": "0"})
    comment.refresh_from_db()
    assert comment.status == "spam"
