# Wellspring: a slim, non-root image. Build: make image (wellspring:<version>).
# The base image's digest: deploy/base-images.txt, refreshed by make pin-images.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 wellspring
WORKDIR /app

# The locked versions, each checked against its hash, in a layer of their own; the build
# backend too (requirements/build.txt), so building Wellspring fetches nothing unpinned.
COPY requirements/main.txt requirements/build.txt ./requirements/
RUN pip install --require-hashes -r requirements/main.txt -r requirements/build.txt

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY prompts ./prompts
RUN pip install --no-deps --no-build-isolation .

COPY alembic.ini app.py ./
COPY bootstrap ./bootstrap
COPY alembic ./alembic
# The SQLite default keeps its pulse secret apart from the database: mount them separately
# (or set PULSE_SECRET), and back up only /app/data.
RUN mkdir -p /app/data /app/secrets && chown wellspring:wellspring /app/data /app/secrets \
    && chmod 700 /app/secrets

USER wellspring
EXPOSE 3000
# Liveness, not readiness: an unhealthy container may be restarted, and a restart cures a stuck
# process but not a database outage. /readyz (database and scheduler) is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/livez', timeout=4)"
# Migrations as a one-off job (then run the bot with AUTO_MIGRATE=false):
#   docker run --rm --env-file .env wellspring:<version> alembic upgrade head
CMD ["python", "app.py"]
