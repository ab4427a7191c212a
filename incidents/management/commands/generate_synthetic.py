"""Generate realistic, reproducible synthetic data (rules and contents: `incidents.synthetic`)."""

from django.core.management.base import BaseCommand, CommandError

from incidents import synthetic
from incidents.dbstats import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Write N synthetic incidents (codes SYN-0000001…) with their reports, claims, statements, victims and related "
        "links, drawn from a seed (same N and seed: same data), then derive their figures. Refuses when synthetic "
        "data exists; --reset removes it first (in the same transaction), so a re-run gives the same data again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, required=True, help="How many incidents to write.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random draws (default 1).")
        parser.add_argument("--reset", action="store_true", help="Remove earlier synthetic data first.")
        parser.add_argument("--chunk", type=int, default=20_000, help="Incidents written per batch (memory; not the data).")

    def handle(self, *args, incidents, seed, reset, chunk, **options):
        if incidents < 1:
            raise CommandError("--incidents must be at least 1.")
        if chunk < 1:
            raise CommandError("--chunk must be at least 1.")
        try:
            result = synthetic.generate(
                incidents=incidents, seed=seed, reset=reset, chunk=chunk, progress=self._progress,
            )
        except synthetic.SyntheticDataExists as exists:
            raise CommandError(
                f"Synthetic data already exists ({exists.count:,} incidents with codes {synthetic.CODE_PREFIX}-…). "
                "Run with --reset to replace it; nothing was written."
            ) from None
        refresh_planner_statistics()  # the load changed every table: the planner's statistics must follow
        self.stdout.write(self.style.SUCCESS(
            f"{result.incidents:,} synthetic incidents, {result.counts['claims']:,} claims, {result.counts['reports']:,} "
            f"reports (seed {seed}) in {result.seconds_total:,.1f} s: written with their history in "
            f"{result.seconds_written:,.1f} s, figures derived in {result.seconds_derived:,.1f} s"
        ))

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()
