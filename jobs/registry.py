"""The kinds of background job, in one registry: each app declares its own in its `jobs.py` with `@job_kind`."""

from collections.abc import Callable
from dataclasses import dataclass


class JobFailed(Exception):
    """A job stopped for a reason its starter should read (what was done, what a re-run does)."""

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class Outcome:
    """What a finished job did: one sentence, and the detail a job page may show."""

    sentence: str
    details: dict | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable  # (context: jobs.runner.JobContext) -> Outcome
    # Resumable: the job saves where it got to with each batch, so a re-run after a failure goes on from there.
    # Otherwise it is all-or-nothing: a failure leaves nothing written, and a re-run starts again.
    resumable: bool
    # The job's page, when it shows more than the progress and the sentence: (request, job) -> (template, context).
    page: Callable | None = None


@dataclass(frozen=True)
class Starter:
    """A site-wide job that the Jobs list offers as a button (full downloads, recompute)."""

    name: str
    label: str
    description: str
    allowed: Callable  # (user) -> bool
    start: Callable  # (user) -> Job


KINDS: dict[str, Kind] = {}
STARTERS: dict[str, Starter] = {}


def job_kind(name: str, *, resumable: bool, page: Callable | None = None):
    """Register a function as the kind of job `name`."""

    def register(function):
        if name in KINDS:
            raise ValueError(f"A kind of job named {name!r} is registered twice.")
        KINDS[name] = Kind(name=name, run=function, resumable=resumable, page=page)
        return function

    return register


def starter(name: str, *, label: str, description: str, allowed: Callable):
    """Offer a function (user) -> Job as a button of the Jobs list."""

    def register(function):
        STARTERS[name] = Starter(name=name, label=label, description=description, allowed=allowed, start=function)
        return function

    return register
