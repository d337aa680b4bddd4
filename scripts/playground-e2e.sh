#!/usr/bin/env bash
# End-to-end check of the GraphiQL playground served by fingraph, offline:
# builds the server, starts it on a free loopback port with a throwaway data
# directory, waits for /readyz, then runs scripts/playground-e2e/check.mjs
# (playwright-core driving Debian's /usr/bin/chromium, every non-local request
# aborted). Exits with the check's status.
#
# Environment:
#   FINGRAPH_E2E_BINARY   use this server binary instead of building one
#   FINGRAPH_E2E_ARGS     arguments for the binary (default: serve)
#   PLAYGROUND_E2E_SCREENSHOT, PLAYGROUND_E2E_TIMEOUT_MS   passed to check.mjs
#     (screenshot default: /tmp/fingraph-playground-e2e.png)
# The server must run in dev mode so the page carries its demo token; any
# variable it needs for that is passed through from this script's environment.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e="$root/scripts/playground-e2e"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/fingraph-e2e.XXXXXX")"
server_pid=""

log() { printf 'playground-e2e: %s\n' "$*" >&2; }

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local status=$?
	if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server_log() {
	if [[ -s "$tmp/server.log" ]]; then
		log "server log (last 40 lines):"
		tail -n 40 "$tmp/server.log" >&2
	fi
}

# Browser: Debian's Chromium, never a downloaded one.
if [[ ! -x /usr/bin/chromium ]]; then
	if [[ "$(id -u)" -ne 0 ]]; then
		log "/usr/bin/chromium is missing; install it: sudo apt-get install -y chromium"
		exit 1
	fi
	log "installing chromium with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq chromium >/dev/null
fi
for tool in node npm curl; do
	command -v "$tool" >/dev/null || {
		log "$tool is required"
		exit 1
	}
done

# Server binary.
if [[ -n "${FINGRAPH_E2E_BINARY:-}" ]]; then
	bin="$FINGRAPH_E2E_BINARY"
	[[ -x "$bin" ]] || {
		log "FINGRAPH_E2E_BINARY=$bin is not an executable"
		exit 1
	}
	log "using $bin"
else
	bin="$tmp/fingraph"
	log "building the server"
	(cd "$root" && go build -o "$bin" .)
fi

# A free loopback port: let the OS pick one, else probe 18080-18179.
port=""
if command -v python3 >/dev/null; then
	port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || true)"
fi
if [[ -z "$port" ]]; then
	for p in $(seq 18080 18179); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			port="$p"
			break
		fi
	done
fi
[[ -n "$port" ]] || {
	log "no free port found"
	exit 1
}
base="http://127.0.0.1:$port"

# Start the server.
read -r -a args <<<"${FINGRAPH_E2E_ARGS-serve}"
mkdir -p "$tmp/data"
log "starting the server on $base"
FINGRAPH_DATA_DIR="$tmp/data" FINGRAPH_ADDR="127.0.0.1:$port" \
	"$bin" "${args[@]}" >"$tmp/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 300); do # up to ~60 s
	if ! kill -0 "$server_pid" 2>/dev/null; then
		log "the server exited before it was ready"
		server_log
		exit 1
	fi
	if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)" == 200 ]]; then
		ready=1
		break
	fi
	sleep 0.2
done
if [[ -z "$ready" ]]; then
	log "GET $base/readyz did not answer 200 within 60 s"
	server_log
	exit 1
fi
log "server ready"

# playwright-core, pinned by package-lock.json; reinstalled only when the
# lock file changed since the last install.
stamp="$e2e/node_modules/.fingraph-e2e-lock"
if [[ -d "$e2e/node_modules/playwright-core" ]] && cmp -s "$e2e/package-lock.json" "$stamp"; then
	log "node_modules is up to date"
else
	log "npm ci"
	(cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
	cp "$e2e/package-lock.json" "$stamp"
fi

# Chromium's temporary profile goes under $tmp (removed on exit even if the
# check is killed); the screenshot stays outside it.
export PLAYGROUND_E2E_SCREENSHOT="${PLAYGROUND_E2E_SCREENSHOT:-${TMPDIR:-/tmp}/fingraph-playground-e2e.png}"
status=0
(cd "$e2e" && TMPDIR="$tmp" node check.mjs "$base/") || status=$?
if [[ "$status" -eq 0 ]]; then
	# A frontend on another origin (CORS, WebSocket) and subscriptions
	# in the playground.
	(cd "$e2e" && TMPDIR="$tmp" node streams.mjs "$base/") || status=$?
fi
if [[ "$status" -ne 0 ]]; then
	server_log
	log "FAILED (exit $status)"
else
	log "passed"
fi
exit "$status"
