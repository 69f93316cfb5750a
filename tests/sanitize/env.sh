# SPDX-License-Identifier: Apache-2.0
# Sourced by ./scripts/test --sanitize and by tests/sanitize/self_check.sh:
# sanitizer_env REPORTS_DIR exports the sanitizer options under which every
# instrumented program (test binaries, and the vigild and vigilctl they start)
# writes each report to REPORTS_DIR/{asan,ubsan}.<pid> instead of stderr, so that a
# report from a daemon whose exit status no test checks is still seen.
sanitizer_env() {
  local reports=$1 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  # World-writable (sticky, like /tmp): some tests run vigild as nobody.
  mkdir -p "$reports"
  chmod 1777 "$reports"
  # gcc links two runtimes; each needs log_path, and a file of its own: they
  # would overwrite each other's. libubsan itself still prints the full
  # message and stack to stderr; its SUMMARY line (kind, file:line) reaches
  # the ubsan.<pid> file, which is what fails the run.
  local common="halt_on_error=1:print_summary=1"
  export ASAN_OPTIONS="log_path=$reports/asan:$common:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
  export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="log_path=$reports/ubsan:$common:print_stacktrace=1:report_error_type=1"
}
