#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs vigil into a scratch prefix and checks that every relative link in the
# installed Markdown resolves among the installed files (tests/install/doc_links.py),
# with a control: a doc linking to one not installed is caught.
# Usage: installed_docs_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d /tmp/vigil-docs.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
docdir=$prefix/share/doc/vigil
[[ -f $docdir/configuration.md && -f $docdir/security.md ]] || fail "the docs are not installed in $docdir"
python3 "$src/tests/install/doc_links.py" "$prefix/share" || fail "installed docs link to files not installed"

# Control: without security.md, the links to it from the installed docs are reported.
rm "$docdir/security.md"
out=$(python3 "$src/tests/install/doc_links.py" "$prefix/share") && fail "a link to a missing security.md passed"
grep -q '^broken link: doc/vigil/vrrp.md:[0-9]*: security.md$' <<<"$out" || fail "unexpected: $out"
echo "installed docs test: 1 passed, 0 failed"
