#!/bin/sh
# Fetch axe-core from the npm registry for the browser accessibility tests
# (tests/e2e/test_accessibility_journey.py). The file lands in tests/e2e/vendor/,
# which git ignores: axe-core is a test tool, never served by the portal.
# Usage: scripts/vendor_axe.sh   (needs npm; `apt-get install npm`)
set -eu
VERSION="${AXE_CORE_VERSION:-4.10.3}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$HERE/tests/e2e/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DEST"
# npm pack checks the tarball against the registry's integrity hash.
(cd "$WORK" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tar -xzf "$WORK/axe-core-$VERSION.tgz" -C "$WORK" package/axe.min.js
mv "$WORK/package/axe.min.js" "$DEST/axe.min.js"
echo "$VERSION" > "$DEST/axe-core.version"
echo "axe-core $VERSION -> $DEST/axe.min.js"
