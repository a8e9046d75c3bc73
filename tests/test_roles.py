"""Roles: the Editors group has exactly the permissions editors need."""

import pytest
from django.contrib.auth.models import Group, User

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_editors_group_has_exactly_the_content_permissions():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert codenames == {
        "add_article", "change_article", "view_article",
        "add_section", "change_section", "delete_section", "view_section",
        "add_glossaryterm", "change_glossaryterm", "delete_glossaryterm", "view_glossaryterm",
        "add_supportpage", "change_supportpage", "view_supportpage",
        "change_reviewnote", "view_reviewnote",
        "change_changenote", "delete_changenote", "view_changenote",
    }  # fmt: skip


def test_editor_can_edit_content_but_not_users(client, editor):
    client.force_login(editor)
    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get("/admin/articles/section/").status_code == 200
    assert client.get("/admin/articles/glossaryterm/add/").status_code == 200
    assert client.get("/admin/articles/supportpage/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_editor_cannot_delete_articles(client, editor):
    from metsinfo.articles.models import Article

    client.force_login(editor)
    article = Article.objects.first()
    assert client.get(f"/admin/articles/article/{article.pk}/delete/").status_code == 403
