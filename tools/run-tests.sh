#!/bin/sh
# SPDX-License-Identifier: MIT
# The test driver behind `make test`, `make spec`, `make lint` and `make asan`.
# Every check it runs counts as tests, and it ends with the plain line CI reads:
#   N passed, N failed, N skipped
# exiting non-zero when anything failed.
. "$(dirname "$0")/env.sh"
cd "$top" || exit 2
mode=${1:-all}
passed=0; failed=0; skipped=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

# Adds the counts of a busted TAP log; a busted that died without reporting counts as a failure.
count_tap() {
	log=$1; status=$2; label=$3
	ok=$(grep -c '^ok ' "$log")
	skip=$(grep -c '^ok .*# SKIP' "$log")
	bad=$(grep -c '^not ok ' "$log")
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
	passed=$((passed + ok - skip)); skipped=$((skipped + skip)); failed=$((failed + bad))
	echo "$label: $((ok - skip)) passed, $bad failed, $skip skipped"
	if [ "$bad" -gt 0 ]; then
		# the failing tests with their messages
		awk '/^not ok /{p=1} /^ok /{p=0} p' "$log"
		if [ "$status" -ne 0 ] && ! grep -q '^not ok ' "$log"; then tail -40 "$log"; fi
	fi
}

# One named check: a command that passes or fails.
check() {
	label=$1; shift
	if "$@" >"$logdir/check.log" 2>&1; then
		passed=$((passed + 1)); echo "$label: ok"
	else
		failed=$((failed + 1)); echo "$label: FAILED"; tail -60 "$logdir/check.log"
	fi
}

run_specs() {
	busted --lua="$LUA" -o TAP spec >"$logdir/spec.log" 2>&1
	count_tap "$logdir/spec.log" $? "specs"
}

# `luarocks test`: builds what is out of date, then the quick specs (busted's "quick" task in
# .busted: no install, browser or terminal specs) and the rule cases, in well under a minute.
run_quick() {
	${MAKE:-make} -s all || { failed=$((failed + 1)); return; }
	busted --lua="$LUA" --run=quick -o TAP >"$logdir/quick.log" 2>&1
	count_tap "$logdir/quick.log" $? "quick specs"
}

run_asan() {
	libasan=$(${CC:-cc} -print-file-name=libasan.so)
	PARLEY_BUILD="$top/build-asan" LD_PRELOAD="$libasan" \
		ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1" \
		UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		sh -c '. tools/env.sh; busted --lua="$LUA" --exclude-tags=install,browser,demo,terminal,tools,sarif -o TAP spec' >"$logdir/asan.log" 2>&1
	status=$?
	if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$logdir/asan.log"; then
		grep -A30 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$logdir/asan.log" | head -80
		failed=$((failed + 1))
	fi
	count_tap "$logdir/asan.log" $status "specs under ASan+UBSan"
}

# The specs under valgrind (memcheck): any error or definite leak in the run fails it.
run_valgrind() {
	valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$LUA" "$(command -v busted)" --exclude-tags=install,browser,demo,terminal,sarif -o TAP spec \
		>"$logdir/valgrind.log" 2>&1
	status=$?
	if [ "$status" -eq 99 ]; then
		grep -B2 -A25 '^==[0-9]*==' "$logdir/valgrind.log" | head -80
		failed=$((failed + 1))
	fi
	count_tap "$logdir/valgrind.log" $status "specs under valgrind"
}

# The built-in rules' fixture cases, through `parley rules test` as a rule author runs them.
run_rule_cases() {
	for dir in spec/rules/builtin examples/caucasus-2021/rules; do
		parley rules test "$dir" >"$logdir/rules.log" 2>&1
		status=$?
		line=$(tail -1 "$logdir/rules.log")
		ok=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
		bad=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
		if [ -z "$ok" ]; then ok=0; bad=1; fi
		if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
		passed=$((passed + ok)); failed=$((failed + bad))
		echo "rule cases in $dir: $ok passed, $bad failed"
		if [ "$bad" -gt 0 ]; then grep -v '^ok ' "$logdir/rules.log"; fi
	done
}

# Each libFuzzer harness briefly (make fuzz runs them longer): one test per harness.
run_fuzz() {
	sh tools/fuzz.sh "${FUZZ_SECONDS:-15}" >"$logdir/fuzz.log" 2>&1
	ok=$(grep -c '^fuzz .*: ok' "$logdir/fuzz.log")
	bad=$(grep -c '^fuzz .*: FAILED' "$logdir/fuzz.log")
	if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
	passed=$((passed + ok)); failed=$((failed + bad))
	grep '^fuzz ' "$logdir/fuzz.log"
	if [ "$bad" -gt 0 ]; then tail -60 "$logdir/fuzz.log"; fi
}

run_lint() {
	check "luacheck" luacheck --std lua54 -q lua spec bin/parley bench examples
	for f in src/*.c; do
		check "cc -Werror $f" ${CC:-cc} -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow \
			-Wstrict-prototypes -Wno-unused-parameter -Werror -fsyntax-only -I/usr/include/lua5.4 -Isrc "$f"
	done
}

case $mode in
	spec) run_specs; run_rule_cases ;;
	lint) run_lint ;;
	asan) run_asan ;;
	valgrind) run_valgrind ;;
	fuzz) run_fuzz ;;
	rules) run_rule_cases ;;
	quick) run_quick; run_rule_cases ;;
	all) run_specs; run_rule_cases; run_lint; run_asan; run_fuzz ;;
	*) echo "usage: run-tests.sh all|spec|quick|lint|asan|valgrind|fuzz|rules" >&2; exit 2 ;;
esac
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
