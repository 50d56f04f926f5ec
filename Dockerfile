# One image for web, worker and beat; compose changes only the command.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
COPY scripts/copy-vendor.mjs scripts/
RUN npm ci --no-audit --no-fund && npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 RISKREG_ENV=production RISKREG_VAR_DIR=/data
WORKDIR /app
COPY requirements.txt .
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /build/static/vendor static/vendor
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && SECRET_KEY=build-only python manage.py compilemessages \
    && useradd --system --home /app riskreg && mkdir -p /data && chown riskreg /data
USER riskreg
EXPOSE 8000
# gthread: each worker serves many connections from its threads, so a client trickling its request
# holds one thread, not a whole worker, until --timeout; the proxy in front buffers bodies anyway.
CMD ["gunicorn", "riskreg.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "8", "--timeout", "30", "--graceful-timeout", "30", "--keep-alive", "5", "--limit-request-line", "8190", "--access-logfile", "-"]
