"""Sign-in: lockout after repeated failures (django-axes), same-site next= only, secure cookies."""

from django.test import override_settings
from django.urls import reverse

from tests.base import BaseTestCase

LOGIN = "/accounts/login/"


class SignInTests(BaseTestCase):
    def sign_in(self, username, password, ip="10.0.0.1", **extra):
        return self.client.post(
            LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip
        )

    def test_the_right_password_signs_in(self):
        response = self.sign_in("fiona", "pw-fiona")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.factchecker.pk)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_repeated_failures_lock_the_username_out_from_that_address(self):
        for _ in range(2):
            response = self.sign_in("fiona", "wrong")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "didn't match")
        response = self.sign_in("fiona", "wrong")  # the third failure locks
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many sign-in attempts", status_code=429)

        # Even the right password is refused while locked, and nobody is signed in.
        response = self.sign_in("fiona", "pw-fiona")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

        # The lock is on username + address: others, and fiona elsewhere, still sign in.
        self.assertEqual(self.sign_in("eddie", "pw-eddie").status_code, 302)
        self.client.logout()
        self.assertEqual(self.sign_in("fiona", "pw-fiona", ip="10.0.0.2").status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_a_success_resets_the_count(self):
        self.sign_in("fiona", "wrong")
        self.sign_in("fiona", "wrong")
        self.assertEqual(self.sign_in("fiona", "pw-fiona").status_code, 302)
        self.client.logout()
        self.sign_in("fiona", "wrong")
        self.sign_in("fiona", "wrong")
        self.assertEqual(self.sign_in("fiona", "pw-fiona").status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=2)
    def test_the_admin_sign_in_is_locked_out_too(self):
        for _ in range(2):
            self.client.post(
                reverse("admin:login"),
                {"username": "ada", "password": "wrong"},
                REMOTE_ADDR="10.0.0.9",
            )
        response = self.client.post(
            reverse("admin:login"),
            {"username": "ada", "password": "pw-ada"},
            REMOTE_ADDR="10.0.0.9",
        )
        self.assertEqual(response.status_code, 429)

    def test_force_login_is_unaffected(self):
        self.login(self.editor)
        self.assertEqual(self.client.get(reverse("claim-list")).status_code, 200)

    def test_a_same_site_next_is_followed(self):
        response = self.sign_in("fiona", "pw-fiona", next="/dashboard/")
        self.assertRedirects(response, "/dashboard/", fetch_redirect_response=False)

    def test_an_external_next_is_ignored(self):
        for target in (
            "https://evil.example/phish",
            "//evil.example/phish",
            "http:evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
        ):
            with self.subTest(target=target):
                response = self.sign_in("fiona", "pw-fiona", next=target)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], "/")
                self.client.logout()

    def test_the_login_page_does_not_echo_an_external_next_as_a_link(self):
        response = self.client.get(LOGIN, {"next": '"><script>alert(1)</script>'})
        self.assertNotContains(response, "<script>alert(1)</script>")

    def test_session_and_csrf_cookies_are_secure_in_production(self):
        # The test settings are the production settings (DEBUG off) over plain HTTP.
        response = self.sign_in("fiona", "pw-fiona")
        self.assertTrue(response.cookies["sessionid"]["secure"])
        self.assertTrue(response.cookies["sessionid"]["httponly"])
        self.client.get(LOGIN)
        self.assertTrue(self.client.cookies["csrftoken"]["secure"])
