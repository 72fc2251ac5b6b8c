#!/usr/bin/env bash
# Embedded default: SQLite, a real Celery worker on kombu's filesystem broker, demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=config.settings.dev

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo

"$PY" -m celery -A config worker --pool=solo --loglevel=INFO > var/celery-worker.log 2>&1 &
WORKER=$!
# The scheduler of the daily reminders by e-mail (relances, settings.CELERY_BEAT_SCHEDULE): a real beat process.
"$PY" -m celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule > var/celery-beat.log 2>&1 &
BEAT=$!
trap 'kill $WORKER $BEAT 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  Application : http://127.0.0.1:${PORT}
  Comptes de démonstration (mot de passe « demo ») :
    acheteur, dcp, facilitateur, elu, partenaire, admin, entreprise
  Worker Celery : var/celery-worker.log (PID ${WORKER})
  Relances (Celery beat) : var/celery-beat.log (PID ${BEAT}) ; courriels écrits dans var/courriels/

TXT
"$PY" manage.py runserver "127.0.0.1:${PORT}"
