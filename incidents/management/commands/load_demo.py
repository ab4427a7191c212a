from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from incidents.dbstats import refresh_planner_statistics
from incidents.demo import load_demo_aliases, load_reference_article
from incidents.display import count_words

DEMO_USERS = {"editor": "editor-demo-2017", "reviewer": "reviewer-demo-2017"}
# Each demo account is a member of the group of its name (groups: migration incidents 0004_editorial_groups).
DEMO_GROUPS = {"editor": "Editor", "reviewer": "Reviewer"}


class Command(BaseCommand):
    help = (
        "Load the demo data: the reference article (three incidents, its figures, statements and aggregate claim) "
        "and the bundled UCDP GED events with civilian deaths, published. Idempotent: running it twice creates "
        "nothing twice. With DEBUG on, also creates demo editor and reviewer accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--skip-ucdp", action="store_true", help="Only enter the reference article.")

    def handle(self, *args, skip_ucdp=False, **options):
        report = load_reference_article()
        self.stdout.write(f"Reference article: {report.title} ({count_words(report.incident_links.count(), 'incident')})")
        if not skip_ucdp:
            call_command("import_ucdp", publish=True, stdout=self.stdout, stderr=self.stderr)
            load_demo_aliases()
        if settings.DEMO_ACCOUNTS:
            self._demo_accounts()

    def _demo_accounts(self):
        """Demo accounts for local development only (DEBUG on): never created in production."""
        for username, password in DEMO_USERS.items():
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(password)
                user.save()
            # Rights come from the role's group only (accounts made before the groups existed lose their direct ones).
            user.user_permissions.clear()
            user.groups.add(Group.objects.get(name=DEMO_GROUPS[username]))
        refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS(
            "Demo accounts (development only): log in at http://127.0.0.1:8000/admin/ as "
            + ", ".join(f"{u} / {p}" for u, p in DEMO_USERS.items())
        ))
