#!/usr/bin/env bash
# The load figure of BENCHMARKS.md ("Load against a running server",
# production-like set-up) as one command: builds the server and the bench
# tool, starts the provider simulators in their own process (`fingraph
# sandbox`), starts the server pointed at them on a fresh SQLite data
# directory (or DATABASE_URL when set), links the demo user to two Flanks
# credentials through the provider's own link flow, warms the cache with 300
# nested queries and runs `bench load` open-loop at RATE for DURATION,
# reporting the server's RSS. Everything runs on loopback and stops at exit.
#
# Environment:
#   RATE        requests per second offered (default 200)
#   DURATION    length of the measured run (default 60s)
#   CONCURRENCY at most this many requests in flight (default 100)
#   PORT        the server's port (default: a free one)
#   DATABASE_URL  run the server on this PostgreSQL database instead of SQLite
# Extra arguments are passed to `bench load` (e.g. -workload mixed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/fingraph-load.XXXXXX")"
pids=()

log() { printf 'load: %s\n' "$*" >&2; }

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local status=$?
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in curl jq; do
	command -v "$tool" >/dev/null || {
		log "$tool is required"
		exit 1
	}
done

# wait_for waits up to 30 s for pattern in file, failing with the file's tail.
wait_for() {
	local file="$1" pattern="$2"
	for _ in $(seq 300); do
		grep -q "$pattern" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	log "timed out waiting for '$pattern' in $file:"
	tail -n 30 "$file" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

log "building the server and the bench tool"
(cd "$root" && go build -o "$tmp/fingraph" . && go build -o "$tmp/bench" ./internal/tools/bench)

log "starting the simulators in their own process"
FINGRAPH_DATA_DIR="$tmp/sims" "$tmp/fingraph" sandbox >"$tmp/sims.log" 2>&1 &
pids+=($!)
wait_for "$tmp/sims.log" "Point fingraph at a simulator"
grep -E '^  [A-Z_]+=' "$tmp/sims.log" | sed 's/^  //' >"$tmp/sims.env"
flanks_url="$(sed -n 's/^FLANKS_BASE_URL=//p' "$tmp/sims.env")"

port="${PORT:-$(free_port)}"
url="http://127.0.0.1:$port/graphql"
log "starting the server on 127.0.0.1:$port (${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite})"
# The simulators' variables make the server start none of its own.
# shellcheck disable=SC2046 # one KEY=value word per line, none with spaces
env $(cat "$tmp/sims.env") FINGRAPH_DATA_DIR="$tmp/server" FINGRAPH_ADDR="127.0.0.1:$port" \
	FINGRAPH_RATE_PER_SECOND=0 "$tmp/fingraph" >"$tmp/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
wait_for "$tmp/server.log" "demo token:"
token="$(sed -n 's/^ *demo token: //p' "$tmp/server.log" | head -n 1)"

log "linking two Flanks credentials (bank testbank) for the demo user"
for _ in 1 2; do
	code="$(curl -fsS -X POST "$flanks_url/sandbox/link/complete" -H 'Content-Type: application/json' \
		-d '{"bank":"testbank"}' | jq -r .code)"
	body="$(jq -cn --arg c "$code" '{query: "mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) { credentials { id } } }", variables: {c: $c}}')"
	out="$(curl -fsS "$url" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body")"
	if [[ "$(jq -r '.data.linkCredentials.credentials.id // empty' <<<"$out")" == "" ]]; then
		log "linkCredentials failed: $out"
		exit 1
	fi
done

log "warming the cache (300 nested queries)"
"$tmp/bench" load -url "$url" -token "$token" -c 1 -n 300 >/dev/null
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/bench" load -url "$url" -token "$token" -rate "${RATE:-200}" -duration "${DURATION:-60s}" \
	-c "${CONCURRENCY:-100}" -pid "$server_pid" "$@"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
