#!/usr/bin/env bash
# Print the PostgreSQL admin URL the store tests use, starting or installing a local server first
# when none answers on 127.0.0.1:5432 (a fresh Debian machine has none).  The store tests fail,
# never skip, without one.  Respects $SCREENING_TEST_POSTGRES when it is already set.
set -euo pipefail
if [ -n "${SCREENING_TEST_POSTGRES:-}" ]; then echo "$SCREENING_TEST_POSTGRES"; exit 0; fi
URL="postgresql+psycopg://postgres:postgres@127.0.0.1:5432/test"
answers() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if answers; then echo "$URL"; exit 0; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Installing Debian's postgresql for the store tests" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  FRESH=1
fi
VERSION=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$VERSION" ]; then  # the package is there but no cluster was made
  VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  $SUDO pg_createcluster "$VERSION" main >&2
fi
$SUDO pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start >&2 || true
for _ in $(seq 1 60); do answers && break; sleep 0.5; done
answers || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
if [ "${FRESH:-0}" = 1 ]; then
  # a new server: give the postgres role the password in URL and make the 'test' database
  $SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'" >&2
  $SUDO -u postgres psql -q -tc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
    || $SUDO -u postgres createdb test >&2
fi
echo "$URL"
