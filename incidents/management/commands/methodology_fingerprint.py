"""Print the fingerprint of the derivation code, to store in the current methodology version after a rule change
(incidents/methodology_versions.py says when and how)."""

from django.core.management.base import BaseCommand

from incidents.methodology_versions import current_methodology, rule_fingerprint


class Command(BaseCommand):
    help = "Print the fingerprint of the code that derives the figures, and whether the current methodology version records it."

    def handle(self, *args, **options):
        fingerprint, current = rule_fingerprint(), current_methodology()
        self.stdout.write(fingerprint)
        if fingerprint != current.fingerprint:
            self.stderr.write(
                f"Methodology version {current.number} records {current.fingerprint or 'no fingerprint'}: add a version "
                "(or, for an edit that changes no figure's meaning, update its fingerprint)."
            )
