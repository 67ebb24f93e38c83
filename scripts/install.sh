#!/usr/bin/env bash
# Installs what moe-cusp needs on a fresh Debian machine: the software GPU (Mesa llvmpipe,
# driven by Dawn's OpenGL backend; chromium ships the SwiftShader Vulkan ICD as a second
# choice and the browser used by end-to-end tests), then the locked npm dependencies.
# Uses sudo only when not root. Used by the README's quick start and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "scripts/install.sh: not root and no sudo; cannot install the software GPU packages" >&2
    exit 1
  fi
fi

${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update
${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y \
  mesa-vulkan-drivers libegl1 libegl-mesa0 chromium
npm ci
