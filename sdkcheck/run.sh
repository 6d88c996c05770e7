#!/usr/bin/env bash
# sdkcheck/run.sh: proves the Telnyx sandbox against Telnyx's official Node
# SDK (npm `telnyx`, pinned in telnyx-node/package.json + package-lock.json).
#
# Starts `portgate sandbox` on loopback with order progression off (--step 0),
# reads the printed TELNYX_BASE_URL and TELNYX_PUBLIC_KEY, installs the SDK
# with `npm ci` and runs telnyx-node/check.mjs. The sandbox is always stopped.
# Needs Go, Node >= 20 and npm (registry access for `npm ci`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build first so the sandbox starts fast and its pid is the server itself
# (not `go run`, whose child would outlive a kill).
go build -o "$work/portgate" ./cmd/portgate

# A free port for the webhook receiver in check.mjs, handed to the sandbox as
# --telnyx-webhook-url (check.mjs also sets it as the order's webhook_url).
hook_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

"$work/portgate" sandbox --step 0 \
  --flowroute-addr 127.0.0.1:0 --telnyx-addr 127.0.0.1:0 \
  --telnyx-webhook-url "http://127.0.0.1:${hook_port}/webhooks" \
  >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!

base_url="" public_key=""
for _ in $(seq 1 100); do
  base_url=$(sed -n 's/^TELNYX_BASE_URL=\([^ ]*\).*/\1/p' "$work/sandbox.out")
  public_key=$(sed -n 's/^TELNYX_PUBLIC_KEY=\([^ ]*\).*/\1/p' "$work/sandbox.out")
  if [ -n "$base_url" ] && [ -n "$public_key" ]; then break; fi
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "sdkcheck: portgate sandbox exited early:" >&2
    cat "$work/sandbox.err" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base_url" ] || [ -z "$public_key" ]; then
  echo "sdkcheck: portgate sandbox did not print TELNYX_BASE_URL and TELNYX_PUBLIC_KEY within 10 s" >&2
  cat "$work/sandbox.out" "$work/sandbox.err" >&2
  exit 1
fi
echo "sdkcheck: Telnyx sandbox at $base_url"

cd "$root/sdkcheck/telnyx-node"
npm ci --no-audit --no-fund --loglevel=error
status=0
TELNYX_BASE_URL="$base_url" TELNYX_API_KEY=sandbox TELNYX_PUBLIC_KEY="$public_key" \
  TELNYX_WEBHOOK_PORT="$hook_port" node check.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "sdkcheck: sandbox log (stderr):" >&2
  tail -n 50 "$work/sandbox.err" >&2
fi
exit "$status"
