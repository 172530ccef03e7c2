#!/bin/sh
# SPDX-License-Identifier: MIT
# `make fuzz [FUZZ_SECONDS=N]`: builds each fuzz/*.c libFuzzer harness with ASan+UBSan against
# the C sources and runs it for N seconds (default 60) from its seed corpus fuzz/corpus/NAME.
# FUZZ=name runs one harness. Prints one line per harness: executions and coverage.
. "$(dirname "$0")/env.sh"
cd "$top" || exit 2
seconds=${1:-60}
mkdir -p build-fuzz
status=0
for h in fuzz/*.c; do
	[ -e "$h" ] || continue
	name=$(basename "$h" .c)
	[ -z "$FUZZ" ] || [ "$FUZZ" = "$name" ] || continue
	bin=build-fuzz/$name
	lib=$(ls src/*.c | grep -v '^src/parley.c$' | tr '\n' ' ')
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-I/usr/include/lua5.4 -Isrc -o "$bin" "$h" src/parley.c $lib \
		-llua5.4 -lsqlite3 -lyaml -lutf8proc -lcsv -lzip -lexpat -lcrypto -lm -lpthread || { status=1; continue; }
	work=build-fuzz/corpus-$name
	mkdir -p "$work"
	[ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/"
	if "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 "$work" >"build-fuzz/$name.log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/$name.log" | grep -o '[0-9]*$')
		cov=$(grep -o 'cov: [0-9]*' "build-fuzz/$name.log" | tail -1)
		echo "fuzz $name: ok, $execs executions, $cov, ${seconds}s"
	else
		echo "fuzz $name: FAILED"; tail -60 "build-fuzz/$name.log"; status=1
	fi
done
exit $status
