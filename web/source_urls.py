from django.urls import path

from web import annotation_views, editor_views
from web import source_views as views

urlpatterns = [
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet-detail"),
    path("<int:pk>/", views.source_detail, name="source-detail"),
    path("<int:pk>/attribute/", editor_views.attribute, name="source-attribute"),
    path("<int:pk>/correct/", views.source_correct, name="source-correct"),
    # Annotations
    path("<int:pk>/annotate/", annotation_views.source_annotate, name="source-annotate"),
    path(
        "<int:pk>/annotations.jsonld",
        annotation_views.source_annotations_export,
        name="source-annotations-export",
    ),
]
