# Sourced by run-dev.sh: where `make run` serves, and the public address sealed into PDFs and emailed
# links. HOST (default 127.0.0.1) and PORT (default 8000) choose the address; RISKREG_BASE_URL follows
# them unless set explicitly, in which case a mismatch is warned about. HOST=0.0.0.0 serves the LAN
# (try the signer pages from a phone): the links then carry this machine's LAN address.
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
case "$PORT" in
    ''|*[!0-9]*) echo "PORT must be a port number, got '$PORT'" >&2; return 2 ;;
esac
if [ "$HOST" = "0.0.0.0" ]; then
    LINK_HOST="${RISKREG_LAN_ADDRESS:-$(hostname -I 2>/dev/null | awk '{print $1}')}"
    LINK_HOST="${LINK_HOST:-127.0.0.1}"
else
    LINK_HOST="$HOST"
fi
SERVED_URL="http://${LINK_HOST}:${PORT}"
if [ -z "${RISKREG_BASE_URL:-}" ]; then
    export RISKREG_BASE_URL="$SERVED_URL"
elif [ "${RISKREG_BASE_URL%/}" != "$SERVED_URL" ]; then
    echo "Warning: RISKREG_BASE_URL is ${RISKREG_BASE_URL} but RiskReg is served at ${SERVED_URL}:" >&2
    echo "         emailed links and the QR code sealed into PDFs will point at ${RISKREG_BASE_URL}." >&2
fi
# The dev server answers to the address the links carry.
case "$LINK_HOST" in
    localhost|127.0.0.1) LAN_HOST="" ;;
    *) LAN_HOST=",$LINK_HOST" ;;
esac
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1${LAN_HOST}}"
