"""Create the three roles as groups with the permissions their work needs.

The permission lists are frozen here, as migrations must be. Code checks
permissions, never group names; tests/provenance/test_permission_matrix.py pins what each role
may and may not do. A later change to a role's rights is a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    "sources.view_ownergroup",
    "sources.view_outlet",
    "sources.view_outletalias",
    "sources.view_source",
    "sources.view_sourcerelay",
    "sources.view_importbatch",
    "claims.view_actor",
    "claims.view_actoralias",
    "claims.view_tag",
    "claims.view_claim",
    "claims.view_attribution",
    "claims.view_review",
]

ROLES = {
    "Fact-checker": VIEW_ALL
    + [
        "claims.record_verdict",
        "claims.add_review",
    ],
    "Editor": VIEW_ALL
    + [
        "claims.add_claim",
        "claims.change_claim",
        "claims.add_attribution",
        "claims.change_attribution",
        "claims.delete_attribution",
        "claims.add_actor",
        "claims.change_actor",
        "claims.add_actoralias",
        "claims.change_actoralias",
        "claims.delete_actoralias",
        "claims.add_tag",
        "claims.change_tag",
    ],
    "Admin": VIEW_ALL
    + [
        "sources.import_sources",
        "sources.add_source",
        "sources.change_source",
        "sources.delete_source",
        "sources.add_sourcerelay",
        "sources.change_sourcerelay",
        "sources.delete_sourcerelay",
        "sources.add_outlet",
        "sources.change_outlet",
        "sources.delete_outlet",
        "sources.add_outletalias",
        "sources.change_outletalias",
        "sources.delete_outletalias",
        "sources.add_ownergroup",
        "sources.change_ownergroup",
        "sources.delete_ownergroup",
        "sources.change_importbatch",
        "claims.add_claim",
        "claims.change_claim",
        "claims.delete_claim",
        "claims.add_attribution",
        "claims.change_attribution",
        "claims.delete_attribution",
        "claims.add_actor",
        "claims.change_actor",
        "claims.delete_actor",
        "claims.add_actoralias",
        "claims.change_actoralias",
        "claims.delete_actoralias",
        "claims.add_tag",
        "claims.change_tag",
        "claims.delete_tag",
        "claims.delete_review",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now
    # so the groups can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
