from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views import defaults

from api.base import api_errors
from provenance import middleware

admin.site.site_header = "Provenance"
admin.site.site_title = "Provenance"
admin.site.index_title = "Claims, sources and evidence"
# A database error outside a view gets the friendly 503 page too (provenance/middleware.py).
# Under /api/ each of these answers JSON, {"detail": "..."} (api/base.py).
handler400 = api_errors(defaults.bad_request)
handler403 = api_errors(defaults.permission_denied)
handler404 = api_errors(defaults.page_not_found)
handler500 = api_errors(middleware.server_error)

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("sources/", include("web.source_urls")),
    path("", include("web.urls")),
]
