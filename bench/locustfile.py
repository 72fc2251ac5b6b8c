"""Load profile played by bench/bench_charge.py: each simulated user is one of the demo accounts, already
logged in (its session cookie comes from the bench script, as a person who logged in this morning), and walks
that role's usual pages; now and then a page of the public site. Paths and sessions come from the bench script
(BENCH_PATHS {role: [path, ...]}, BENCH_SESSIONS {role: [session key, ...]}), which resolves them with Django
so this file needs no knowledge of the URL layout. Every request's time goes to BENCH_LOG for the percentiles."""

import itertools
import json
import os

from locust import HttpUser, between, events, task

PATHS = json.loads(os.environ["BENCH_PATHS"])
SESSIONS = json.loads(os.environ["BENCH_SESSIONS"])
ACCOUNTS = itertools.cycle([(role, key) for role, keys in SESSIONS.items() for key in keys])
LOG = open(os.environ["BENCH_LOG"], "w") if os.environ.get("BENCH_LOG") else None  # noqa: SIM115


@events.request.add_listener
def _log(request_type, name, response_time, exception, **kwargs):
    if LOG:
        LOG.write(f"{name}\t{response_time:.1f}\t{1 if exception else 0}\n")
        LOG.flush()


class RoleUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.role, session_key = next(ACCOUNTS)
        self.client.cookies.set("sessionid", session_key)
        # Mid-session users (logged in this morning) do not all click in the same instant: each waits its think
        # time before its first page as between two pages. Without it the 50 users spawned in the first second
        # ask 50 pages at once, a queue no real office makes (seen: the run's first 50 requests at 0.6-1 s).
        self.wait()

    @task(5)
    def role_page(self):
        path = self._next(PATHS[self.role])
        with self.client.get(path, name=f"{self.role} {path.split('?')[0][:60]}", catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:  # a redirect to the login page would hide a lost session
                response.failure(f"{response.status_code} sur {path}")

    @task(1)
    def public_page(self):
        path = self._next(PATHS["public"])
        self.client.get(path, name=f"public {path.split('?')[0][:60]}")

    def _next(self, paths):
        return paths[self.environment.runner.stats.num_requests % len(paths)]
