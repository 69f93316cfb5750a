#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks what ./scripts/package wrote into DIST: the contents of the four
# packages, the conffile, Depends/Requires against the libraries the binaries
# really link, the maintainer scripts, the man pages, and lintian.
# Usage: tests/package/check_packages.sh DIST SOURCE_DIR
set -euo pipefail
# (No `producer | grep -q` here: under pipefail grep's early exit fails the producer.)
dist=$(realpath "$1") src=$(realpath "$2")
work=$(mktemp -d /tmp/vigil-pkgcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

version=$(sed -n 's/^project(vigil VERSION \([0-9][0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
arch=$(dpkg --print-architecture)
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
rpm_arch=$(rpm --eval '%{_arch}')
rpm_lib=$(rpm --eval '%{_lib}')
deb=$dist/vigil_${version}_${arch}.deb
deb_dev=$dist/vigil-dev_${version}_${arch}.deb
rpm_main=$dist/vigil-${version}-1.${rpm_arch}.rpm
rpm_dev=$dist/vigil-devel-${version}-1.${rpm_arch}.rpm
for f in "$deb" "$deb_dev" "$rpm_main" "$rpm_dev"; do
  [[ -f $f ]] || { echo "FAIL: missing $f" >&2; exit 1; }
done

# Every built-in plugin (one folder each under plugins/, plus the Lua bridge).
plugins=(lua)
for d in "$src"/plugins/*/; do
  n=$(basename "$d")
  [[ $n == common ]] || plugins+=("$n")
done

# has LIST PATH...: each PATH is in the listing (one path per line, no leading ./).
has() {
  local list=$1; shift
  for p in "$@"; do grep -qxF "$p" "$list" || fail "$(basename "$list" .list) lacks $p"; done
}

## DEB contents
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||; s|/$||' >"$work/deb.list"
dpkg-deb -c "$deb_dev" | awk '{print $6}' | sed 's|^\./||; s|/$||' >"$work/deb-dev.list"
has "$work/deb.list" usr/sbin/vigild "usr/lib/$triplet/vigil/vigild-worker" "usr/lib/$triplet/vigil/http-engine.so" usr/bin/vigilctl etc/vigil/vigil.conf etc/vigil/conf.d \
  lib/systemd/system/vigild.service lib/systemd/system/vigild-nonroot.service \
  usr/share/man/man8/vigild.8.gz usr/share/man/man8/vigilctl.8.gz usr/share/man/man5/vigil.conf.5.gz \
  usr/share/doc/vigil/copyright usr/share/doc/vigil/examples/vigil.conf usr/share/doc/vigil/security.md \
  usr/share/doc/vigil/anycast.md usr/share/doc/vigil/examples/anycast/bird-host.conf usr/share/doc/vigil/examples/anycast/frr-router.conf \
  usr/share/doc/vigil/img/grafana-dashboard.png \
  usr/share/bash-completion/completions/vigilctl usr/share/bash-completion/completions/vigild \
  usr/share/vigil/lua/nginx_check.lua usr/share/vigil/lua/tcp_port.lua usr/share/vigil/lua/chat_notifier.lua \
  usr/share/vigil/grafana/vigil.json
# nginx.so: the http type's alias, a link to http.so (vigild finds a type by its file name).
for p in "${plugins[@]}" nginx; do has "$work/deb.list" "usr/lib/$triplet/vigil/plugins/$p.so"; done
n=$(grep -c "^usr/lib/$triplet/vigil/plugins/.*\.so$" "$work/deb.list" || true)
[[ $n -eq $((${#plugins[@]} + 1)) ]] || fail "vigil.deb has $n plugin files, the tree builds ${#plugins[@]} and the nginx.so link"
has "$work/deb-dev.list" usr/include/vigil/plugin.h "usr/lib/$triplet/pkgconfig/vigil-plugin.pc" \
  usr/share/doc/vigil-dev/examples/Makefile usr/share/doc/vigil-dev/examples/tcp_listen_tracker.c \
  usr/share/doc/vigil-dev/examples/jsonl_notifier.c
grep -q '^usr/include\|pkgconfig' "$work/deb.list" && fail "vigil.deb carries SDK files"
grep -q 'plugins/.*\.so$\|^usr/sbin\|vigild-worker' "$work/deb-dev.list" && fail "vigil-dev.deb carries daemon files"
pass "deb contents (${#plugins[@]} plugins in /usr/lib/$triplet/vigil/plugins)"

## DEB control: conffiles, Depends, maintainer scripts
dpkg-deb -e "$deb" "$work/ctrl"
[[ $(cat "$work/ctrl/conffiles") == /etc/vigil/vigil.conf ]] || fail "conffiles: $(cat "$work/ctrl/conffiles")"
depends=$(dpkg-deb -f "$deb" Depends)
dpkg-deb -x "$deb" "$work/root"
# Each library a binary or plugin needs must come from a package in Depends.
needed=$(for f in "$work/root/usr/sbin/vigild" "$work/root/usr/lib/$triplet/vigil/vigild-worker" "$work/root/usr/lib/$triplet/vigil/http-engine.so" "$work/root/usr/bin/vigilctl" "$work/root/usr/lib/$triplet/vigil/plugins/"*.so; do
  objdump -p "$f" | awk '/NEEDED/ {print $2}'; done | sort -u)
for so in $needed; do
  pkg=$(dpkg -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [[ -n $pkg ]] || { fail "no package has $so"; continue; }
  [[ $pkg == libc6 ]] || [[ ", $depends," == *", $pkg "* || ", $depends," == *", $pkg,"* ]] \
    || fail "Depends lacks $pkg (for $so): $depends"
done
[[ ", $depends," == *", adduser,"* || $depends == adduser,* ]] || fail "Depends lacks adduser (postinst uses it)"
pass "deb conffile /etc/vigil/vigil.conf; Depends covers $(wc -w <<<"$needed") linked libraries"
# (The install test checks what they do: users made, no unit enabled.)
grep -q '^ *--gecos "vigil exec trackers and notifiers" vigil-script$' "$work/ctrl/postinst" || fail "postinst does not create vigil-script"
grep -q 'getent group vigil >/dev/null || addgroup --system --quiet vigil$' "$work/ctrl/postinst" || fail "postinst does not create group vigil"
# Install starts nothing (it would stop a running keepalived); an upgrade
# restarts a running vigild instead of stopping it for good; remove stops it.
grep -q 'deb-systemd-invoke start' "$work/ctrl/postinst" && fail "postinst starts a unit"
grep -q "deb-systemd-invoke try-restart 'vigild-nonroot.service' 'vigild.service'" "$work/ctrl/postinst" \
  || fail "postinst does not try-restart the units on upgrade"
[[ -f $work/ctrl/preinst ]] && grep -q 'deb-systemd-invoke stop' "$work/ctrl/preinst" && fail "preinst stops vigild on upgrade"
grep -q '"$1" = remove .*' "$work/ctrl/prerm" && grep -q 'deb-systemd-invoke stop vigild.service vigild-nonroot.service' "$work/ctrl/prerm" \
  || fail "prerm does not stop vigild on remove"
grep -q 'rm -rf /etc/vigil /var/lib/vigil' "$work/ctrl/postrm" || fail "postrm does not clean up on purge"
pass "deb maintainer scripts"

## The installed files themselves
cmp -s "$work/root/etc/vigil/vigil.conf" "$src/etc/vigil-starter.conf" || fail "etc/vigil/vigil.conf is not etc/vigil-starter.conf"
# The packaged vigild finds the packaged plugins relative to itself and accepts
# the starter, and the starter's commented example once uncommented.
vigild=$work/root/usr/sbin/vigild
"$vigild" -t -f "$work/root/etc/vigil/vigil.conf" >"$work/t.out" 2>&1 || fail "starter config: $(cat "$work/t.out")"
sed -n '/^# \[instance/,$p' "$work/root/etc/vigil/vigil.conf" | sed 's/^# \{0,1\}//' >"$work/example.conf"
grep -q '^\[tracker nginx\]' "$work/example.conf" || fail "the starter's example was not found"
"$vigild" -t -f "$work/example.conf" >"$work/t.out" 2>&1 || fail "the starter's example: $(cat "$work/t.out")"
grep -q "1 instance(s), 0 group(s), 1 tracker(s)" "$work/t.out" || fail "the starter's example: $(cat "$work/t.out")"
# Control: without its plugins the packaged vigild refuses that example.
mv "$work/root/usr/lib/$triplet/vigil/plugins" "$work/plugins.away"
"$vigild" -t -f "$work/example.conf" >/dev/null 2>&1 && fail "vigild -t passed with its plugins gone"
mv "$work/plugins.away" "$work/root/usr/lib/$triplet/vigil/plugins"
pass "packaged vigild loads its plugins from /usr/lib/$triplet/vigil/plugins and checks the starter config"

## Man pages: render without groff warnings, and a whatis line apropos can use
for page in man8/vigild.8 man8/vigilctl.8 man5/vigil.conf.5; do
  f=$work/root/usr/share/man/$page.gz
  # As lintian: a table cell that cannot be justified at 80 columns is not a fault.
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null \
             | grep -v "cannot adjust line\|can't break line" || true)
  [[ -z $warnings ]] || fail "$page: $warnings"
  name=$(basename "$page" | sed 's/\.[0-9]$//')
  grep -q "\"$name - " <<<"$(lexgrog "$f")" || fail "$page: whatis entry: $(lexgrog "$f")"
done
grep -q 'import-keepalived' <<<"$(zcat "$work/root/usr/share/man/man8/vigilctl.8.gz")" || fail "vigilctl.8 lacks import-keepalived"
# Markdown's \| in a table cell is a plain | in the page.
rendered=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$work/root/usr/share/man/man8/vigilctl.8.gz" 2>/dev/null)
grep -qF '\|' <<<"$rendered" && fail "vigilctl.8 shows \\| where the docs mean |"
grep -qF '&& exit 1 || exit 0' <<<"$rendered" || fail "vigilctl.8 lacks the vrrp_script example with ||"
pass "man pages"

## Licence and docs: Apache-2.0 in each package's copyright; the docs' links resolve
dpkg-deb -x "$deb_dev" "$work/devroot"
for c in "$work/root/usr/share/doc/vigil/copyright" "$work/devroot/usr/share/doc/vigil-dev/copyright"; do
  licence=$(awk '/^Files: \*$/ {f = 1} f && /^License:/ {print $2; exit}' "$c")
  [[ $licence == Apache-2.0 ]] || fail "$c: 'Files: *' is under '$licence', not Apache-2.0"
done
for d in "$work/root/usr/share/doc" "$work/devroot/usr/share/doc"; do
  python3 "$src/tests/install/doc_links.py" "$d" >"$work/links.out" || fail "broken links in the package's docs: $(cat "$work/links.out")"
done
pass "copyright files say Apache-2.0; every relative link in the packaged docs resolves"

## lintian: no errors, no warnings
lintian --allow-root --fail-on none "$deb" "$deb_dev" >"$work/lintian.out" 2>&1 || true
if grep -E '^(E|W): ' "$work/lintian.out"; then fail "lintian reports errors or warnings"; fi
# Control: the same package without its copyright file is an error to lintian.
cp -a "$work/root" "$work/broken" && cp -a "$work/ctrl" "$work/broken/DEBIAN"
rm "$work/broken/usr/share/doc/vigil/copyright"
dpkg-deb --root-owner-group -b "$work/broken" "$work/broken.deb" >/dev/null
grep -q '^E: vigil: no-copyright-file' <<<"$(lintian --allow-root --fail-on none "$work/broken.deb" 2>/dev/null)" \
  || fail "control: lintian did not flag a package without a copyright file"
pass "lintian: no errors or warnings (and it flags a package without its copyright file)"

## RPM
rpm -qpl "$rpm_main" 2>/dev/null | sed 's|^/||' >"$work/rpm.list"
rpm -qpl "$rpm_dev" 2>/dev/null | sed 's|^/||' >"$work/rpm-devel.list"
has "$work/rpm.list" usr/sbin/vigild "usr/$rpm_lib/vigil/vigild-worker" "usr/$rpm_lib/vigil/http-engine.so" usr/bin/vigilctl etc/vigil/vigil.conf etc/vigil/conf.d var/lib/vigil \
  usr/lib/systemd/system/vigild.service usr/lib/systemd/system/vigild-nonroot.service \
  usr/share/man/man8/vigild.8 usr/share/man/man8/vigilctl.8 usr/share/man/man5/vigil.conf.5 \
  usr/share/bash-completion/completions/vigilctl usr/share/bash-completion/completions/vigild \
  usr/share/vigil/lua/tcp_port.lua usr/share/vigil/grafana/vigil.json
for p in "${plugins[@]}" nginx; do has "$work/rpm.list" "usr/$rpm_lib/vigil/plugins/$p.so"; done
has "$work/rpm-devel.list" usr/include/vigil/plugin.h "usr/$rpm_lib/pkgconfig/vigil-plugin.pc" \
  usr/share/doc/vigil-devel/examples/Makefile
grep -q '^usr/share/doc/vigil/' "$work/rpm-devel.list" && fail "vigil-devel puts files in vigil's doc directory"
has "$work/rpm.list" usr/share/licenses/vigil/LICENSE usr/share/licenses/vigil/NOTICE usr/share/doc/vigil/security.md \
  usr/share/doc/vigil/img/grafana-dashboard.png usr/share/doc/vigil/anycast.md \
  usr/share/doc/vigil/examples/anycast/bird-host.conf usr/share/doc/vigil/examples/anycast/frr-router.conf
has "$work/rpm-devel.list" usr/share/licenses/vigil-devel/LICENSE
for r in "$rpm_main" "$rpm_dev"; do
  [[ $(rpm -qp --qf '%{LICENSE}' "$r" 2>/dev/null) == Apache-2.0 ]] || fail "$(basename "$r"): License is not Apache-2.0"
done
flags=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpm_main" 2>/dev/null | awk '$1 == "/etc/vigil/vigil.conf" {print $2}')
[[ $flags == *c* && $flags == *n* ]] || fail "RPM: /etc/vigil/vigil.conf is not %config(noreplace) (flags '$flags')"
owner=$(rpm -qp --qf '[%{FILENAMES} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME}\n]' "$rpm_main" 2>/dev/null \
  | awk '$1 == "/etc/vigil/vigil.conf" {print $2, $3}')
[[ $owner == "-rw-r----- root:vigil" ]] || fail "RPM: /etc/vigil/vigil.conf is '$owner', not -rw-r----- root:vigil"
requires=$(rpm -qp --requires "$rpm_main" 2>/dev/null)
for so in $needed; do
  grep -q "^$so()" <<<"$requires" || fail "RPM Requires lacks $so"
done
rpm -qp --scripts "$rpm_main" 2>/dev/null >"$work/rpm.scripts"
grep -q 'useradd -r -g vigil-script' "$work/rpm.scripts" || fail "RPM %pre does not create vigil-script"
grep -q 'groupadd -r vigil$' "$work/rpm.scripts" || fail "RPM %pre does not create group vigil"
grep -q 'systemctl try-restart vigild.service vigild-nonroot.service' "$work/rpm.scripts" || fail "RPM does not restart vigild on upgrade"
# Both packages' vigild and worker carry the distribution's hardening: full RELRO, fortified calls.
mkdir -p "$work/rpmroot" && (cd "$work/rpmroot" && rpm2cpio "$rpm_main" | cpio -idm --quiet ./usr/sbin/vigild "./usr/$rpm_lib/vigil/vigild-worker")
for bin in "$work/root/usr/sbin/vigild" "$work/rpmroot/usr/sbin/vigild" "$work/root/usr/lib/$triplet/vigil/vigild-worker" \
  "$work/rpmroot/usr/$rpm_lib/vigil/vigild-worker"; do
  grep -q 'FLAGS.*BIND_NOW' <<<"$(readelf -d "$bin")" || fail "$bin: not linked with -z now"
  grep -q GNU_RELRO <<<"$(readelf -lW "$bin")" || fail "$bin: no RELRO"
  grep -q '__.*_chk@' <<<"$(nm -D "$bin")" || fail "$bin: no _FORTIFY_SOURCE calls"
done
pass "rpm contents, %config(noreplace) 0640 root:vigil, Requires for $(wc -w <<<"$needed") libraries, %pre users, restart on upgrade; both vigild and workers hardened"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all package checks passed"
