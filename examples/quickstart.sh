#!/usr/bin/env bash
# Sets up and runs the whole pipeline against the local stack: installs what is missing,
# builds, brings the stack up, pushes generated customers through SQS -> Lambda -> MariaDB with
# the AWS CLI (any SQS client works against the local endpoint), and shows the rows they became.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server mariadb-client)
python3 -c 'import awscli' >/dev/null 2>&1 || command -v aws >/dev/null 2>&1 || need+=(awscli)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi
aws() { if command -v aws >/dev/null 2>&1; then command aws "$@"; else python3 -m awscli "$@"; fi; }

cargo build --release -p custctl -p customer-ingest
bin="${CARGO_TARGET_DIR:-target}/release"
state="${CUSTCTL_STATE_DIR:-$HOME/.local/state/custctl/local}"
"$bin/custctl" local up --detach
endpoint=$("$bin/custctl" local status --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["endpoint"])')
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
url=$(aws --endpoint-url "$endpoint" sqs get-queue-url --queue-name customers --output text --query QueueUrl)

echo "sending 1000 generated customers to $url"
batches=$(mktemp -d)
python3 - "$batches" <<'PY'
import json, random, sys
first = ["Rodolfo", "Zoë", "Siobhán", "José", "Åsa", "Николай", "李", "Çağla", "Ana María", "Nguyễn"]
last = ["Avelino", "O'Brien", "Ñúñez", "da Silva", "Lindqvist", "Петров", "小龍", "Öztürk", "Müller", "Văn An"]
rng = random.Random(7)
for batch in range(100):
    entries = [{"Id": f"m{i}", "MessageBody": json.dumps({"CustID": batch * 10 + i + 1,
                "Name": f"{rng.choice(first)} {rng.choice(last)}"}, ensure_ascii=False)} for i in range(10)]
    with open(f"{sys.argv[1]}/{batch:03}.json", "w", encoding="utf-8") as f:
        json.dump(entries, f, ensure_ascii=False)
PY
for file in "$batches"/*.json; do
  aws --endpoint-url "$endpoint" sqs send-message-batch --queue-url "$url" --entries "file://$file" >/dev/null
done
rm -rf "$batches"
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
