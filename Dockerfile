# Rehearse in a container: the same `pip install` of the package that CI proves, as a non-root user.
# Build: docker build -t rehearse .   Run: docker compose up (compose.yaml: PostgreSQL, migrations, web, worker)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    PORT=3000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY adapters ./adapters
COPY bot ./bot
COPY scenarios ./scenarios
COPY scheduler ./scheduler
COPY scoring ./scoring
COPY storage ./storage
RUN python -m pip install --upgrade pip && python -m pip install .

RUN useradd --create-home --uid 10001 rehearse && mkdir -p /data && chown rehearse /data
USER rehearse
VOLUME ["/data"]
EXPOSE 3000

# Liveness only: /readyz (database, migrations, Slack) is for the orchestrator's readiness probe.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=2)"]

ENTRYPOINT ["rehearse"]
CMD ["serve"]
