#!/usr/bin/env bash
# Bootstrap the toolchain on a plain machine: Node >= 22 and pnpm 10.
# Source it (`. scripts/bootstrap.sh`) so PATH changes stick in the caller; the caller's shell
# options are restored at the end.
# Why: machines here ship Node 20, corepack's signature check fails, and only
# the npm registry is reachable, so Node comes from the `node-<os>-<arch>`
# package and pnpm from npm, both into the git-ignored `.tools/` folder.
_uplink_saved_opts=$(set +o)
# A command substitution does not inherit errexit, so $(set +o) always says `set +o errexit`:
# add the caller's real setting, or sourcing this file would switch `set -e` off in .ci/run.
case $- in *e*) _uplink_saved_opts+=$'\nset -o errexit' ;; esac
set -euo pipefail

UPLINK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UPLINK_NODE_VERSION="${UPLINK_NODE_VERSION:-24.9.0}"
UPLINK_PNPM_VERSION="${UPLINK_PNPM_VERSION:-10.34.9}"
TOOLS="$UPLINK_ROOT/.tools"
# Quiet settings for the two npm installs below only: the caller's npm_config_* stay as they were.
_uplink_npm() {
  npm_config_loglevel=error npm_config_fund=false npm_config_audit=false \
    npm_config_update_notifier=false npm "$@"
}
# Turbo's anonymous telemetry is off for every script that bootstraps (and for .ci/run).
export TURBO_TELEMETRY_DISABLED=1

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "bootstrap: unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  pkg="node-${os}-${arch}"
  node_bin="$TOOLS/node/node_modules/$pkg/bin"
  if [ ! -x "$node_bin/node" ] || [ "$("$node_bin/node" -v)" != "v$UPLINK_NODE_VERSION" ]; then
    echo "bootstrap: fetching Node $UPLINK_NODE_VERSION ($pkg) from the npm registry" >&2
    _uplink_npm install --prefix "$TOOLS/node" --no-save --no-package-lock "$pkg@$UPLINK_NODE_VERSION" >&2
  fi
  export PATH="$node_bin:$PATH"
fi

pnpm_bin="$TOOLS/pnpm/node_modules/.bin"
if [ ! -x "$pnpm_bin/pnpm" ] || [ "$("$pnpm_bin/pnpm" -v 2>/dev/null)" != "$UPLINK_PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm $UPLINK_PNPM_VERSION with npm" >&2
  _uplink_npm install --prefix "$TOOLS/pnpm" --no-save --no-package-lock "pnpm@$UPLINK_PNPM_VERSION" >&2
fi
export PATH="$pnpm_bin:$PATH"
echo "bootstrap: node $(node -v), pnpm $(pnpm -v)" >&2
unset -f _uplink_npm node_major
eval "$_uplink_saved_opts"
unset _uplink_saved_opts
