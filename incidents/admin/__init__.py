"""The editors' interface: incidents with their claims, statements and belligerents, and every other record.

Every admin keeps a change history (django-simple-history). Derived figures are
never typed: claims, statements and report links are saved through their
services (`incidents.services`), which recompute the figures in the same
transaction as the edit, once per page saved; they are shown read-only with the
rule that derives them.

- `forms`: optimistic locking (no lost edits), quotes checked against their report, workflow and merge forms;
- `writes`: every admin save and delete goes through the incident services;
- `inlines`: rows edited inside another record's page;
- `incident`: the incident's page (workflow, merge, history); `claims`, `reference`: the other records' pages;
- `reports`: the report's page, where an editor records what a report states; `imports`: the bulk import page.
- `revisions`: the reviewers' queue of pending revisions, each side by side with the public version.
- `linkage`: the linkage review queue and the decisions kept as data (incidents.linkage).
"""

from . import claims, incident, linkage, reference, reports, revisions  # noqa: F401  (each module registers its pages)
