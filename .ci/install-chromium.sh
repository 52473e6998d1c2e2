#!/usr/bin/env bash
# Install headless Chromium and its WebDriver for the UI test (tests/ui, marker `ui`).
# Idempotent; never fails CI: without apt or root the UI test skips itself with a message.
set -uo pipefail

warn() { echo "install-chromium: warning: $*; the UI test will be skipped" >&2; }

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0  # already installed
fi
if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not found"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        warn "not root and no password-less sudo"
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
    warn "apt-get update failed"
    exit 0
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; then
    warn "apt-get install chromium chromium-driver failed"
    exit 0
fi
echo "install-chromium: $(chromium --version 2>/dev/null || echo chromium installed)"
exit 0
