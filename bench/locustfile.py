"""Load profile played by bench/bench_charge.py: each simulated user logs in with a role and walks that
role's usual pages. The paths come from the bench script (BENCH_PATHS, JSON {role: [path, ...]}), which
resolves them with Django so this file needs no knowledge of the URL layout."""

import json
import os
import random
import re

from locust import HttpUser, between, task

PATHS = json.loads(os.environ["BENCH_PATHS"])
ROLES = [role for role in PATHS if role != "public" and PATHS[role]]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class RoleUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.role = random.choice(ROLES)
        page = self.client.get("/connexion/", name="connexion (GET)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post("/connexion/", {"username": self.role, "password": "demo",
                                                    "csrfmiddlewaretoken": token},
                                    headers={"Referer": self.host + "/connexion/"}, name="connexion (POST)")
        if "/connexion/" in response.url:
            response.failure(f"connexion refusée pour {self.role}")

    @task(5)
    def role_page(self):
        path = random.choice(PATHS[self.role])
        self.client.get(path, name=f"{self.role} {path.split('?')[0][:60]}")

    @task(1)
    def public_page(self):
        if PATHS.get("public"):
            path = random.choice(PATHS["public"])
            self.client.get(path, name=f"public {path.split('?')[0][:60]}")
