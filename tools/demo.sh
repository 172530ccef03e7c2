#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo`: imports the bundled example into a fresh store, prints each subject's competing
# claims side by side with their sources, then runs every built-in rule on it and prints the
# report.
. "$(dirname "$0")/env.sh"
cd "$top" || exit 2
store=${DEMO_STORE:-$(mktemp -d)/caucasus-2021.db}
parley import "$store" examples/caucasus-2021/dataset.yaml || exit $?
echo
parley claims "$store" || exit $?
echo
echo "Reconciliation, every built-in rule (examples/caucasus-2021/parley.yaml):"
parley reconcile examples/caucasus-2021/parley.yaml
dir=$(dirname "$store")
parley reconcile examples/caucasus-2021/parley.yaml --format html --out "$dir/report.html" || exit $?
echo
echo "HTML report: $dir/report.html"
echo
echo "To use parley from your own scripts and shell, install it:"
echo "  luarocks --lua-version=5.4 make rockspec/parley-scm-1.rockspec"
echo "or use it from this tree:"
echo "  eval \"\$(make -s env)\""
