"""The worker that runs background jobs (imports, bulk workflow steps, full downloads, recomputes).

With JOBS_BACKEND=database (the default without REDIS_URL; `make run` starts one) it polls the Job table. With
JOBS_BACKEND=rq it is an RQ worker on the site's queue, with Django set up (the same as `rq worker`, plus the settings).
"""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.models import Job, JobStatus
from jobs.runner import WorkerStopped, work
from jobs.services import _enqueue, rq_queue


class Command(BaseCommand):
    help = "Run queued background jobs until stopped (--once: until none is left)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs queued now, then exit (RQ: burst mode).")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks at an empty queue (database queue).")
        parser.add_argument("--requeue", action="store_true",
                            help="Hand every queued job to RQ again (after Redis lost its queue), then exit.")

    def handle(self, *args, **options):
        if settings.JOBS_BACKEND == "rq":
            return self.rq(options)
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)
            raise WorkerStopped

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Running background jobs from the database queue (poll every {options['poll']} s); Ctrl-C stops.")
        try:
            ran = work(once=options["once"], poll=options["poll"], should_stop=lambda: bool(stopping))
        except (KeyboardInterrupt, WorkerStopped):
            self.stdout.write("Stopped; a job that was running is marked failed and may be re-run from the admin.")
            return
        self.stdout.write(f"Ran {ran} job(s).")

    def rq(self, options):
        if options["requeue"]:
            ids = list(Job.objects.filter(status=JobStatus.QUEUED).values_list("pk", flat=True))
            for job_id in ids:
                _enqueue(job_id)
            self.stdout.write(f"Handed {len(ids)} queued job(s) to RQ.")
            return
        from rq import Worker

        queue = rq_queue()
        self.stdout.write(f"Running background jobs from the RQ queue “{queue.name}” at {settings.JOBS_REDIS_URL}.")
        Worker([queue], connection=queue.connection).work(with_scheduler=False, burst=options["once"])
