"""Users and API tokens in the admin: nobody grants rights they do not hold.

Only a superuser grants superuser or staff status, groups or permissions; a
non-superuser edits no superuser and resets no other user's password; token
values are shown once, when created, and never afterwards.
"""

from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from rest_framework.authtoken.models import Token

from claims.roles import ADMIN
from tests.base import BaseTestCase
from tests.factories import make_user


def user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


class UserAdminTests(BaseTestCase):
    def setUp(self):
        self.root = make_user("root", is_staff=True, is_superuser=True)

    def test_an_admin_cannot_make_herself_superuser_or_grant_rights(self):
        self.client.force_login(self.admin)
        url = reverse("admin:auth_user_change", args=[self.admin.pk])
        form = self.client.get(url).context["adminform"].form
        for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
            self.assertNotIn(field, form.fields)
        everything = [str(p.pk) for p in Permission.objects.all()]
        self.client.post(
            url,
            user_form(
                self.admin,
                is_superuser="on",
                is_staff="on",
                user_permissions=everything,
                groups=[str(g.pk) for g in Group.objects.all()],
            ),
        )
        admin = User.objects.get(pk=self.admin.pk)
        self.assertFalse(admin.is_superuser)
        self.assertFalse(admin.user_permissions.exists())
        self.assertEqual(list(admin.groups.values_list("name", flat=True)), [ADMIN])

    def test_an_admin_cannot_grant_staff_status_or_a_role_to_another_user(self):
        self.client.force_login(self.admin)
        url = reverse("admin:auth_user_change", args=[self.outsider.pk])
        self.client.post(
            url,
            user_form(self.outsider, is_staff="on", groups=[str(Group.objects.get(name=ADMIN).pk)]),
        )
        otto = User.objects.get(pk=self.outsider.pk)
        self.assertFalse(otto.is_staff)
        self.assertFalse(otto.groups.exists())

    def test_an_admin_cannot_edit_a_superuser_or_reset_their_password(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("admin:auth_user_change", args=[self.root.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["has_change_permission"])
        self.client.post(
            reverse("admin:auth_user_change", args=[self.root.pk]),
            user_form(self.root, email="ada@example.org"),
        )
        self.root.refresh_from_db()
        self.assertEqual(self.root.email, "")
        password = reverse("admin:auth_user_password_change", args=[self.root.pk])
        self.assertEqual(self.client.get(password).status_code, 403)

    def test_an_admin_resets_no_other_users_password_but_may_change_her_own(self):
        self.client.force_login(self.admin)
        other = reverse("admin:auth_user_password_change", args=[self.editor.pk])
        self.assertEqual(self.client.get(other).status_code, 403)
        response = self.client.post(
            other,
            {"password1": "A-new-secret-2026", "password2": "A-new-secret-2026"},
        )
        self.assertEqual(response.status_code, 403)
        self.editor.refresh_from_db()
        self.assertTrue(self.editor.check_password("pw-eddie"))
        own = reverse("admin:auth_user_password_change", args=[self.admin.pk])
        self.assertEqual(self.client.get(own).status_code, 200)

    def test_a_superuser_grants_rights(self):
        self.client.force_login(self.root)
        url = reverse("admin:auth_user_change", args=[self.outsider.pk])
        response = self.client.post(url, user_form(self.outsider, is_staff="on"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(User.objects.get(pk=self.outsider.pk).is_staff)


class GroupAdminTests(BaseTestCase):
    def test_only_a_superuser_gives_a_role_permissions(self):
        self.admin.user_permissions.add(Permission.objects.get(codename="change_group"))
        group = Group.objects.get(name=ADMIN)
        before = set(group.permissions.values_list("pk", flat=True))
        self.client.force_login(self.admin)
        self.client.post(
            reverse("admin:auth_group_change", args=[group.pk]),
            {"name": ADMIN, "permissions": [str(p.pk) for p in Permission.objects.all()]},
        )
        self.assertEqual(set(group.permissions.values_list("pk", flat=True)), before)


class TokenAdminTests(BaseTestCase):
    def setUp(self):
        self.root = make_user("root", is_staff=True, is_superuser=True)
        self.token = Token.objects.create(user=self.editor)

    def test_token_values_are_never_shown_after_creation(self):
        self.client.force_login(self.root)
        for url in (
            reverse("admin:authtoken_tokenproxy_changelist"),
            reverse("admin:authtoken_tokenproxy_change", args=[self.editor.pk]),
            reverse("admin:authtoken_tokenproxy_delete", args=[self.editor.pk]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, self.token.key)
                self.assertNotContains(response, self.token.key[8:])

    def test_a_non_superuser_creates_a_token_for_herself_only(self):
        self.admin.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="authtoken", codename__endswith="tokenproxy"
            )
        )
        self.client.force_login(self.admin)
        url = reverse("admin:authtoken_tokenproxy_add")
        self.client.post(url, {"user": self.factchecker.pk})
        self.assertFalse(Token.objects.filter(user=self.factchecker).exists())
        response = self.client.post(url, {"user": self.admin.pk}, follow=True)
        token = Token.objects.get(user=self.admin)
        # Shown once, in the message after creating it.
        self.assertContains(response, token.key)
