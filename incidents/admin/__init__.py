"""The editors' interface. Importing this package registers every admin page of the incidents app (and the report's page).

- `forms`: optimistic locking (no lost edits), quotes checked against their report, workflow and merge forms;
- `writes`: every admin save and delete goes through the incident services;
- `inlines`: rows edited inside another record's page;
- `incident`: the incident's page (workflow, merge, history); `claims`, `reference`: the other records' pages;
- `reports`: the report's page, where an editor records what a report states; `imports`: the bulk import page.
"""

from . import claims, incident, reference, reports  # noqa: F401  (each module registers its pages)
