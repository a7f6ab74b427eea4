#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delegation_crm.settings")
    if "SECRET_KEY" not in os.environ:
        # No secret configured: this is a developer's checkout, so management commands
        # (makemigrations, shell, load_demo…) run in development mode. Production sets
        # SECRET_KEY, and the web and worker processes never pass through here.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
