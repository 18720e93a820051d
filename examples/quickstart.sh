#!/usr/bin/env bash
# Sets up and runs the whole pipeline against the local stack: installs what is missing,
# builds, brings the stack up, sends generated customers through SQS -> Lambda -> MariaDB with
# `custctl send`, probes the function with `custctl invoke`, and shows the rows they became.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends mariadb-server mariadb-client
fi

cargo build --release -p custctl -p customer-ingest
bin="${CARGO_TARGET_DIR:-target}/release"
state="${CUSTCTL_STATE_DIR:-$HOME/.local/state/custctl/local}"
"$bin/custctl" local up --detach
export CUSTCTL_LOCAL=1

echo "sending 1000 generated customers through SQS"
"$bin/custctl" send --generate 1000 --start-id 1 --seed 7
echo "invoking the function directly with one valid and one invalid message"
"$bin/custctl" invoke --body '{"CustID": 404, "Name": "Rodolfo Avelino"}' --body '{"CustID": "405"}' --no-logs || true
echo "waiting for the function to write the rows..."
for _ in $(seq 1 120); do
  rows=$(mariadb --socket="$state/mariadb/mysqld.sock" -uroot -N customers -e 'SELECT COUNT(*) FROM Customer' 2>/dev/null || echo 0)
  [ "$rows" -ge 1000 ] && break
  sleep 0.5
done
mariadb --socket="$state/mariadb/mysqld.sock" -uroot customers \
  -e 'SELECT COUNT(*) AS customers, MIN(CustID), MAX(CustID) FROM Customer; SELECT * FROM Customer ORDER BY CustID LIMIT 10'
"$bin/custctl" local status
echo "The stack keeps running; stop it with: $bin/custctl local down"
