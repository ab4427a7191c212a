"""What an import did, counted by reason: "408 skipped: no civilian deaths", never one number for different things.

The preview's and the import's sentences (jobs.py) and the job page read these, so the words are written once.
"""

from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from .display import count_words, number

# Why a row or event adds nothing, in words (`ucdp.SKIP_REASONS`, and "already_imported" for the tracker's rows).
SKIP_WHY = {
    "no_civilian_deaths": gettext_lazy("no civilian deaths"),
    "already_imported": gettext_lazy("already imported"),
    "held_for_review": gettext_lazy("already on an incident the public has seen (a reviewer's import adds to it)"),
    "repeated_in_file": gettext_lazy("the same event id again in the file"),
    "not_civilian_targeting": gettext_lazy("not civilian targeting (ACLED); choose “all events” to import them"),
}
SKIP_EXAMPLES = 5
ERRORS_SHOWN = 200


def note_skip(skips: dict, reason: str, example: str, count: int = 1) -> None:
    """Count a row left out under its reason, keeping the first few labels ("CT-000012", "UCDP 1234") to show."""
    group = skips.setdefault(reason, {"count": 0, "examples": []})
    group["count"] += count
    if len(group["examples"]) < SKIP_EXAMPLES:
        group["examples"].append(example)


def merge_skips(into: dict, other: dict) -> dict:
    """Add one batch's skips to the counts carried from the batches before."""
    for reason, group in other.items():
        kept = into.setdefault(reason, {"count": 0, "examples": []})
        kept["count"] += group["count"]
        kept["examples"] = (kept["examples"] + group["examples"])[:SKIP_EXAMPLES]
    return into


def skip_sentences(skips: dict) -> list[str]:
    """'408 skipped: no civilian deaths', '3 skipped: already imported (UCDP 1234, UCDP 1235, UCDP 1236)', most first."""
    parts = []
    for reason, group in sorted(skips.items(), key=lambda item: -item[1]["count"]):
        if not group["count"]:
            continue
        why = str(SKIP_WHY.get(reason, reason))
        if reason not in {"no_civilian_deaths", "not_civilian_targeting"} and group["examples"]:
            examples = ", ".join(str(example) for example in group["examples"])
            more = group["count"] - len(group["examples"])
            if more > 0:
                examples = gettext("%(examples)s and %(count)s more") % {"examples": examples, "count": number(more)}
            why = f"{why} ({examples})"
        parts.append(ngettext("%(count)s skipped: %(why)s", "%(count)s skipped: %(why)s", group["count"]) % {
            "count": number(group["count"]), "why": why})
    return parts


def flagged_sentence(count: int) -> str:
    """'2 flagged as possible duplicates' (the admin's check: incidents.duplicates)."""
    return ngettext("%(count)s flagged as a possible duplicate", "%(count)s flagged as possible duplicates", count) % {
        "count": number(count)}


def outcome_sentence(report, filename: str, *, preview: bool) -> str:
    """The job's result in one sentence: created, then each reason for leaving rows out, then possible duplicates."""
    created = gettext("%(incidents)s as drafts with %(claims)s") % {
        "incidents": count_words(report.created, "incident"), "claims": count_words(report.figures_created, "claim")}
    if preview:
        head = gettext("Preview of %(file)s: confirming will create %(created)s") % {"file": filename, "created": created}
    else:
        head = gettext("Imported %(file)s: created %(created)s") % {"file": filename, "created": created}
    parts = [head]
    if report.merged:
        parts.append(ngettext("%(count)s event already on an incident: its new claims and reports added",
                              "%(count)s events already on incidents: their new claims and reports added", report.merged) % {
            "count": number(report.merged)})
    parts += skip_sentences(report.skips)
    if report.flagged:
        parts.append(flagged_sentence(report.flagged))
    return pgettext("separator between notes", "; ").join(parts) + "."
