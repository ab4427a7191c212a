"""Re-derive every incident's stored figures from its claims and statements (rule: `services.derive_figures`).

For after a data migration that corrected claims (e.g. 0009: qualifier and numbers made to agree): the
migration repairs the rows, this command re-derives the headline figures through the one service.
"""

from django.core.management.base import BaseCommand, CommandError

from incidents.models import Incident
from incidents.services import recompute_figures


class Command(BaseCommand):
    help = "Re-derive the stored figures of every incident (or of the incidents given by --code), one transaction each."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="append", default=[], help="Only this incident (repeatable).")

    def handle(self, *args, **options):
        incidents = Incident.objects.order_by("pk")
        if options["code"]:
            incidents = incidents.filter(code__in=options["code"])
            missing = set(options["code"]) - set(incidents.values_list("code", flat=True))
            if missing:
                raise CommandError(f"No incident with the code(s): {', '.join(sorted(missing))}.")
        done = 0
        for pk in incidents.values_list("pk", flat=True).iterator(chunk_size=2000):
            recompute_figures(incident=Incident(pk=pk))
            done += 1
        self.stdout.write(f"re-derived the figures of {done:,} incidents")
