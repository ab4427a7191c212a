"""/submit/: anyone reports a possible incident or a correction, with no account; the thank-you page gives the reference.

The form's posts count against the SUBMISSIONS rate limit (URL name "submission", casualtytracker/limits.py). A post
whose honeypot field is filled is dropped without a word: it gets the same thank-you page, with a reference that
names nothing. The reference travels to the thank-you page in the sender's own session, never in the address.
"""

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from . import services
from .forms import SubmissionForm
from .models import Kind

SESSION_KEY = "submission_reference"


@never_cache
def submit(request):
    incident = services.corrected_incident(request.POST.get("incident") if request.method == "POST" else request.GET.get("incident"))
    if request.method == "POST":
        form = SubmissionForm(request.POST)
        if form.honeypot_filled():
            return _thank(request, services.new_reference())
        if form.is_valid():
            data = form.cleaned_data
            submission = services.record_submission(
                kind=data["kind"], what=data["what"], where=data["where"], when=data["when"], links=data["links"],
                contact_name=data["contact_name"], contact=data["contact"], incident=incident, language=get_language(),
            )
            return _thank(request, submission.reference)
    else:
        form = SubmissionForm(initial={"kind": Kind.CORRECTION, "incident": incident.code} if incident else None)
    return render(request, "submissions/submit.html", {"form": form, "incident": incident})


def _thank(request, reference: str):
    request.session[SESSION_KEY] = reference
    return redirect("submission_thanks")


@never_cache
def thanks(request):
    return render(request, "submissions/thanks.html", {"reference": request.session.get(SESSION_KEY)})
