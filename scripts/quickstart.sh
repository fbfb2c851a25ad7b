#!/usr/bin/env bash
# The README's two commands: `bash scripts/quickstart.sh demo` and `bash scripts/quickstart.sh test`.
# Both bootstrap Node 24 and pnpm exactly as .ci/run does, so they work on a fresh Node 20 machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/bootstrap.sh
# Install when nothing is installed or when the lockfile changed since the last install (pnpm keeps
# a copy of the lockfile it installed from in node_modules/.pnpm/lock.yaml).
cmp -s pnpm-lock.yaml node_modules/.pnpm/lock.yaml || pnpm install --frozen-lockfile
case "${1:-test}" in
  demo) pnpm demo ;;
  test) pnpm test ;;
  *) echo "usage: bash scripts/quickstart.sh demo|test" >&2; exit 2 ;;
esac
