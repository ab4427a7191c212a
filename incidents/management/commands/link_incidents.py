"""manage.py link_incidents --left status=draft --right status=published: candidate pairs for the review queue."""

import time

from django.core.management.base import BaseCommand, CommandError

from incidents.linkage.candidates import CHUNK, generate, parse_filter
from incidents.models import LinkCandidate


class Command(BaseCommand):
    help = "Find and score candidate pairs of incidents between two sets (blocking + Fellegi–Sunter) for review."

    def add_arguments(self, parser):
        parser.add_argument("--left", required=True, help="The (smaller) set: status=draft, dataset=acled, country=IQ, …")
        parser.add_argument("--right", default="all", help="The set to match against (default: all incidents).")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="Left records read per batch (memory).")
        parser.add_argument("--min-probability", type=float, default=None,
                            help="Keep pairs from this match probability (default: LINKAGE_SHOW_ABOVE).")
        parser.add_argument("--replace", action="store_true", help="Empty the queue of earlier candidates first.")

    def handle(self, *args, left, right, chunk, min_probability, replace, **options):
        try:
            left_set, right_set = parse_filter(left), parse_filter(right)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if replace:
            LinkCandidate.objects.all().delete()
        before = LinkCandidate.objects.count()
        started = time.monotonic()
        counts = generate(left_set, right_set, run=f"{left} ~ {right}", chunk=chunk, min_probability=min_probability,
                          progress=lambda c: self.stderr.write(f"  {c['left']} left records read, {c['stored']} pairs kept"))
        seconds = time.monotonic() - started
        # A pair met from both sides (the sets overlap) is written once: count what the queue gained.
        counts["stored"] = LinkCandidate.objects.count() - before
        self.stdout.write(
            f"{counts['left']} left records, {counts['blocked']} pairs through blocking, {counts['decided']} already "
            f"decided, {counts['stored']} kept for review, in {seconds:.1f} s."
        )
