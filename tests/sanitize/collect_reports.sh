#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Usage: collect_reports.sh REPORTS_DIR
# Prints every sanitizer report in REPORTS_DIR and fails if there is any.
set -euo pipefail
reports=$1
shopt -s nullglob
files=("$reports"/*)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "sanitizer reports: none"
  exit 0
fi
for f in "${files[@]}"; do
  echo "===== $f"
  cat "$f"
done
echo "sanitizer reports: ${#files[@]} (above; in $reports)" >&2
exit 1
