#!/bin/sh
# collectstatic with the production settings, as the image is built: the Dockerfile runs this script and so does
# .ci/run (with VAR_DIR pointing at a temporary folder), so a static file that breaks the production build
# (e.g. a reference to a missing source map: whitenoise's MissingFileError) fails CI, not the deployment.
# The values below only let the production settings load at build time; the real ones come at run time.
set -eu
cd "$(dirname "$0")/.."
DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY=build-only-not-used-at-run-time ALLOWED_HOSTS=build \
  DATABASE_URL=sqlite:////tmp/build.db \
  "${PYTHON:-python}" manage.py collectstatic --noinput -v0
test -s "${VAR_DIR:-var}/staticfiles/staticfiles.json"
