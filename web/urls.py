from django.urls import path

from web import annotation_views, editor_views, suggestion_views, views

urlpatterns = [
    path("", views.claim_list, name="claim-list"),
    path("claims.csv", views.claim_list_csv, name="claim-list-csv"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("actors/<int:pk>/", views.actor_detail, name="actor-detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim-review"),
    # Editors
    path("claims/new/", editor_views.claim_create, name="claim-create"),
    path("claims/similar/", editor_views.claim_similar, name="claim-similar"),
    path("claims/<int:pk>/edit/", editor_views.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/merge/", editor_views.claim_merge, name="claim-merge"),
    path("actors/autocomplete/", editor_views.actor_autocomplete, name="actor-autocomplete"),
    path("actors/<int:pk>/merge/", editor_views.actor_merge, name="actor-merge"),
    path("attributions/orphaned/", editor_views.orphaned_attributions, name="orphaned-anchors"),
    path("attributions/<int:pk>/edit/", editor_views.attribution_edit, name="attribution-edit"),
    path(
        "attributions/<int:pk>/remove/", editor_views.attribution_remove, name="attribution-remove"
    ),
    # Annotations
    path("claims/<int:pk>/annotate/", annotation_views.claim_annotate, name="claim-annotate"),
    path(
        "claims/<int:pk>/annotations.jsonld",
        annotation_views.claim_annotations_export,
        name="claim-annotations-export",
    ),
    path("annotations/<int:pk>/reply/", annotation_views.annotation_reply, name="annotation-reply"),
    path("annotations/<int:pk>/edit/", annotation_views.annotation_edit, name="annotation-edit"),
    path(
        "annotations/<int:pk>/delete/", annotation_views.annotation_delete, name="annotation-delete"
    ),
    # Suggested attributions
    path("suggestions/", suggestion_views.suggestion_queue, name="suggestion-queue"),
    path("suggestions/<int:pk>/", suggestion_views.suggestion_detail, name="suggestion-detail"),
    path(
        "suggestions/<int:pk>/accept/",
        suggestion_views.suggestion_accept,
        name="suggestion-accept",
    ),
    path(
        "suggestions/<int:pk>/dismiss/",
        suggestion_views.suggestion_dismiss,
        name="suggestion-dismiss",
    ),
]
