#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
    # manage.py is the developer's entry point: it defaults to development mode
    # (DEBUG on, a throwaway key). Production serves through wsgi/asgi, where
    # DEBUG stays off and SECRET_KEY is required; set DEBUG=0 for production
    # management commands (`DEBUG=0 SECRET_KEY=... manage.py check --deploy`).
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
