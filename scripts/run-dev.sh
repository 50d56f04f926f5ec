#!/usr/bin/env bash
# Starts the web server and one Celery worker with embedded beat; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# HOST, PORT and the RISKREG_BASE_URL that follows them.
source scripts/dev-address.sh
mkdir -p var
# Seeded here, after the address is known: the demo's sealed PDFs carry RISKREG_BASE_URL in their QR code.
$PY manage.py seed_demo
export DEBUG="${DEBUG:-true}"
# The demo logins have no authenticator; production keeps two-factor on (the default).
export RISKREG_REQUIRE_2FA="${RISKREG_REQUIRE_2FA:-false}"

pids=()
cleanup() {
    trap - INT TERM EXIT
    echo; echo "Stopping RiskReg..."
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    exit 0
}
trap cleanup INT TERM EXIT

.venv/bin/celery -A riskreg worker --beat --loglevel INFO --concurrency 2 \
    --schedule var/celerybeat-schedule >var/worker.log 2>&1 &
pids+=($!)
$PY manage.py runserver "${HOST}:${PORT}" --noreload &
pids+=($!)

sleep 2
cat <<MSG

  RiskReg is running at ${SERVED_URL}/   (HOST=${HOST} PORT=${PORT})
  Links in emails and PDFs: ${RISKREG_BASE_URL}   (RISKREG_BASE_URL)
  Broker: ${REDIS_URL:-embedded (filesystem, var/broker)}   Worker and beat log: var/worker.log

  Two-factor authentication: ${RISKREG_REQUIRE_2FA} (RISKREG_REQUIRE_2FA; the login page says so)
  Demo logins (password riskreg-demo):
    vcio      a vCIO with six clients        manager   the portfolio manager
    vcio2     another vCIO                   admin     practice admin (also /admin/)

  Press Ctrl-C to stop the web server, the worker and beat.

MSG
wait -n "${pids[@]}"
