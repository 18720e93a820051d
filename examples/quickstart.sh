#!/usr/bin/env bash
# Sets up and runs the whole pipeline against the local stack: installs what is missing,
# builds, brings the stack up, sends generated customers through SQS -> Lambda -> MariaDB with
# `custctl send`, probes the function with `custctl invoke`, shows the rows they became with
# `custctl sql` (through the stack's bastion) and the invocations with `custctl logs --summary`.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server mariadb-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi

cargo build --release -p custctl -p customer-ingest
bin="${CARGO_TARGET_DIR:-target}/release"
"$bin/custctl" local up --detach
export CUSTCTL_LOCAL=1

echo "sending 1000 generated customers through SQS"
"$bin/custctl" send --generate 1000 --start-id 1 --seed 7
echo "invoking the function directly with one valid and one invalid message"
"$bin/custctl" invoke --body '{"CustID": 404, "Name": "Rodolfo Avelino"}' --body '{"CustID": "405"}' --no-logs || true
echo "waiting for the function to write the rows..."
for _ in $(seq 1 120); do
  rows=$("$bin/custctl" sql -e 'SELECT COUNT(*) FROM Customer' --format tsv 2>/dev/null | tail -n 1 || echo 0)
  [ "${rows:-0}" -ge 1000 ] 2>/dev/null && break
  sleep 0.5
done
# Through the stack's bastion (sshd), read-only, as on AWS.
"$bin/custctl" sql -e 'SELECT COUNT(*) AS customers, MIN(CustID), MAX(CustID) FROM Customer; SELECT * FROM Customer ORDER BY CustID LIMIT 10'
"$bin/custctl" logs --summary
"$bin/custctl" local status
echo "The stack keeps running; stop it with: $bin/custctl local down"
