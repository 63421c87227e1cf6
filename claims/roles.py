"""The three roles. Each is a Django group created by claims/migrations/0002_roles.

Code asks for permissions, never for group names; these names are for
fixtures, the demo and the navigation.
"""

FACT_CHECKER = "Fact-checker"
EDITOR = "Editor"
ADMIN = "Admin"

ROLES = (FACT_CHECKER, EDITOR, ADMIN)
