#!/bin/sh
# `make demo`: imports the bundled example into a fresh store and prints, for each subject,
# the parties' claims side by side with their sources.
. "$(dirname "$0")/env.sh"
cd "$top" || exit 2
store=${DEMO_STORE:-$(mktemp -d)/caucasus-2021.db}
parley import "$store" examples/caucasus-2021/dataset.yaml || exit $?
echo
parley claims "$store"
