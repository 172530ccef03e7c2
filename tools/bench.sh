#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: compiles each bench/*.c peer program into build/bench/, then runs every
# bench/*.lua in turn. Each benchmark runs its peers side by side and prints ratios.
# BENCH=name runs only bench/name.lua.
. "$(dirname "$0")/env.sh"
cd "$top" || exit 2
mkdir -p build/bench
for c in bench/*.c; do
	[ -e "$c" ] || continue
	out=build/bench/$(basename "$c" .c)
	if [ ! -x "$out" ] || [ "$c" -nt "$out" ]; then
		${CC:-cc} -O2 -std=c99 -D_POSIX_C_SOURCE=200809L -o "$out" "$c" -lsqlite3 -lyaml -lutf8proc -lm || exit 1
	fi
done
BENCH_BIN="$top/build/bench"; export BENCH_BIN
status=0
for b in bench/*.lua; do
	name=$(basename "$b" .lua)
	[ -z "$BENCH" ] || [ "$BENCH" = "$name" ] || continue
	echo "== $name"
	"$LUA" "$b" || status=1
done
exit $status
