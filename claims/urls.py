from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # Replaced by the claim list (issue 4).
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
