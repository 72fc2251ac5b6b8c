# Production image: gunicorn serves the app (static files through WhiteNoise); the same image runs the worker.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# collectstatic with the production settings: the same script runs in .ci/run, so a static file that breaks it
# fails CI rather than this build.
RUN pip install --no-cache-dir . \
    && sh deploy/collectstatic.sh
ENV DJANGO_SETTINGS_MODULE=config.settings.prod PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
