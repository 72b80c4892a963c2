#!/usr/bin/env bash
# Runs every test of the solution and prints the totals as its last line: "N passed, N failed".
# Installs what a fresh machine lacks first. Used as is by .ci/run.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is missing: install it (https://dot.net) and run this again." >&2
  exit 2
fi

# System packages the tests start as real servers, installed when missing (CI runs as root; elsewhere sudo is asked).
# One line per package: need DEBIAN-PACKAGE COMMAND-THAT-SUCCEEDS-WHEN-IT-IS-THERE.
missing=()
need() { "${@:2}" >/dev/null 2>&1 || missing+=("$1"); }
need postgresql compgen -G '/usr/lib/postgresql/*/bin/initdb'
# Chromium for the browser tests (Playwright drives it; it downloads no browser).
need chromium test -x /usr/bin/chromium
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (the tests start real servers from them)..." >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } >/dev/null; then
    echo "Could not install ${missing[*]} with apt-get. Install them (apt-get install ${missing[*]}) and run this again." >&2
    exit 2
  fi
fi

# The tools the tests start (smtp4dev, a real SMTP server for the reminder tests) are pinned in .config/dotnet-tools.json.
if ! dotnet tool restore >/dev/null; then
  echo "dotnet tool restore failed: the reminder tests need smtp4dev from .config/dotnet-tools.json." >&2
  exit 2
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet test CareWorkflows.sln --configuration Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "The build or the test run failed before any test could fail (exit $status); see above." >&2
  failed=1
fi

echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
