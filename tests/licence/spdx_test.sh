#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every tracked source file carries SPDX-License-Identifier: Apache-2.0
# (scripts/spdx --check names each one that does not), and scripts/spdx itself,
# on a scratch repository: it finds exactly the sources, puts the line after a
# #! line, and a second run changes nothing.
# Usage: spdx_test.sh SOURCE_DIR
set -euo pipefail
src=$(realpath "$1")
work=$(mktemp -d /tmp/vigil-spdx.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The tree itself (not a git checkout, as in a source package: nothing to list).
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  "$src/scripts/spdx" --check || fail "tracked source files without the identifier (run scripts/spdx)"
fi

# The script on a scratch repository.
repo=$work/repo
mkdir -p "$repo/tests/fixtures/keepalived" "$repo/sub"
cd "$repo"
git init -q .
printf 'int main(void) { return 0; }\n' >a.c
printf '#pragma once\n' >a.h
printf 'int x;\n' >b.cpp
printf '#!/bin/sh\necho hi\n' >run.sh
printf '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(1)\n' >tool.py
printf 'return {}\n' >check.lua
printf 'project(x)\n' >CMakeLists.txt
printf 'set(A 1)\n' >sub/x.cmake
printf 'all:\n\ttrue\n' >sub/Makefile
printf '#!/usr/bin/env bash\ntrue\n' >sub/tool
printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >rules
printf 'not code\n' >notes.txt
printf 'no shebang, no extension\n' >README
printf '#!/bin/sh\n# a verbatim copy\n' >tests/fixtures/keepalived/notify.sh
printf '// SPDX-License-Identifier: Apache-2.0\nint y;\n' >done.cpp
printf '// Mentions SPDX-License-Identifier: in passing only\nint z;\n' >mention.cpp
chmod +x run.sh sub/tool rules
printf 'int untracked;\n' >untracked.c
git add -- . ':!untracked.c'
expected="CMakeLists.txt a.c a.h b.cpp check.lua mention.cpp rules run.sh sub/Makefile sub/tool sub/x.cmake tool.py"

out=$("$src/scripts/spdx" --check) && fail "--check passed with files lacking the identifier"
listed=$(sed -n 's/^\([^ ]*\): no .*/\1/p' <<<"$out" | sort | xargs)
[[ $listed == "$expected" ]] || fail "--check listed '$listed', not '$expected'"
grep -q '^12 source file(s) without the licence identifier$' <<<"$out" || fail "no count: $out"
git diff --quiet || fail "--check changed files"

"$src/scripts/spdx" >/dev/null
"$src/scripts/spdx" --check >/dev/null || fail "--check fails after a run"
[[ $(head -1 a.c) == '/* SPDX-License-Identifier: Apache-2.0 */' ]] || fail "a.c: $(head -1 a.c)"
[[ $(head -1 b.cpp) == '// SPDX-License-Identifier: Apache-2.0' ]] || fail "b.cpp: $(head -1 b.cpp)"
[[ $(head -1 check.lua) == '-- SPDX-License-Identifier: Apache-2.0' ]] || fail "check.lua: $(head -1 check.lua)"
[[ $(head -1 run.sh) == '#!/bin/sh' && $(sed -n 2p run.sh) == '# SPDX-License-Identifier: Apache-2.0' ]] || fail "run.sh: $(cat run.sh)"
[[ $(sed -n 3p tool.py) == '# SPDX-License-Identifier: Apache-2.0' && $(sed -n 2p tool.py) == '# -*- coding: utf-8 -*-' ]] \
  || fail "tool.py: $(cat tool.py)"
[[ $(sed -n 2p rules) == '# SPDX-License-Identifier: Apache-2.0' ]] || fail "rules: $(cat rules)"
[[ -x run.sh && -x sub/tool ]] || fail "a script lost its executable bit"
sh run.sh >/dev/null || fail "run.sh no longer runs"
for f in notes.txt README tests/fixtures/keepalived/notify.sh untracked.c; do
  grep -q SPDX "$f" && fail "$f was changed"
done
[[ $(grep -c SPDX done.cpp) == 1 ]] || fail "done.cpp got a second identifier"

# Idempotent: a second run changes nothing.
rm untracked.c
git add -A && git -c user.name=t -c user.email=t@example.org commit -qm first
[[ -z $("$src/scripts/spdx") ]] || fail "a second run reported changes"
git diff --quiet || fail "a second run changed files"

[[ $failures -eq 0 ]] || exit 1
echo "spdx test: passed"
