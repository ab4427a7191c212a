"""Re-derive every incident's stored figures and positions from its claims and statements (rule:
`services.derive_figures`), set-based (`services.recompute_many`: a few statements per chunk of incidents).

For after a data migration that corrected claims (e.g. 0018: qualifier and numbers made to agree) or a bulk load:
the rows are repaired or written, this command re-derives what is stored from them.
"""

from django.core.management.base import BaseCommand, CommandError

from incidents.models import Incident
from incidents.services import recompute_many


class Command(BaseCommand):
    help = "Re-derive the stored figures of every incident (or of the incidents given by --code), set-based, in chunks."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="append", default=[], help="Only this incident (repeatable).")

    def handle(self, *args, **options):
        incidents = Incident.objects.order_by("pk")
        if options["code"]:
            incidents = incidents.filter(code__in=options["code"])
            missing = set(options["code"]) - set(incidents.values_list("code", flat=True))
            if missing:
                raise CommandError(f"No incident with the code(s): {', '.join(sorted(missing))}.")
        ids = list(incidents.values_list("pk", flat=True))
        changed = recompute_many(ids)
        self.stdout.write(f"re-derived the figures of {len(ids):,} incidents ({changed:,} changed)")
