# parley: build, test and demo from a fresh Debian 12 machine.
# Tests always run against this tree (build/ and lua/), never against an installed copy.

LUA ?= lua5.4
CC ?= cc
LUA_INC ?= /usr/include/lua5.4
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
ALL_CFLAGS = $(CFLAGS) $(WARN) -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -I$(LUA_INC) -Isrc
LIBS = -lsqlite3 -lyaml -lutf8proc -lcsv -lzip -lexpat -lpthread
SRC = $(wildcard src/*.c)
HDR = $(wildcard src/*.h)
SO = build/parley/core.so
ASAN_SO = build-asan/parley/core.so
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

DEBIAN_PACKAGES = lua5.4 liblua5.4-dev libsqlite3-dev libyaml-dev libutf8proc-dev luarocks \
	lua-busted lua-check gcc make git clang libclang-rt-14-dev chromium libcsv-dev \
	libzip-dev libexpat1-dev zip r-base-core

.PHONY: all deps env test spec lint asan valgrind demo install clean bench fuzz

all: $(SO)

$(SO): $(SRC) $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -shared -o $@ $(SRC) $(LIBS)

$(ASAN_SO): $(SRC) $(HDR)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(WARN) -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -I$(LUA_INC) -Isrc $(SANITIZE) \
		-shared -o $@ $(SRC) $(LIBS)

# Installs whichever of the Debian packages are missing; silent when none is.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES) $(EXTRA_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The environment for using parley from this tree without installing it: paste the output into
# a shell (or eval "$$(make -s env)") and `parley` and `require "parley"` work from anywhere.
env:
	@top=$$(pwd); \
	echo "export PATH=\"$$top/bin:\$$PATH\""; \
	echo "export LUA_PATH_5_4=\"$$top/lua/?.lua;$$top/lua/?/init.lua;;\""; \
	echo "export LUA_CPATH_5_4=\"$$top/build/?.so;;\""

# Every test: specs, lint, the specs again under ASan+UBSan, and each fuzz harness briefly;
# ends with "N passed, N failed". Installs what it needs first, like make demo.
test: deps
	@$(MAKE) -s $(SO) $(ASAN_SO)
	@LUA=$(LUA) sh tools/run-tests.sh all

spec: $(SO)
	@LUA=$(LUA) sh tools/run-tests.sh spec

lint:
	@LUA=$(LUA) sh tools/run-tests.sh lint

asan: $(ASAN_SO)
	@LUA=$(LUA) sh tools/run-tests.sh asan

valgrind: $(SO)
	@$(MAKE) -s deps EXTRA_PACKAGES=valgrind
	@LUA=$(LUA) sh tools/run-tests.sh valgrind

demo: deps $(SO)
	@LUA=$(LUA) sh tools/demo.sh

install: deps
	luarocks --lua-version=5.4 make rockspec/parley-scm-1.rockspec

bench: $(SO)
	@$(MAKE) -s deps EXTRA_PACKAGES="lua-yaml lua-sql-sqlite3 python3-jellyfish python3-unidecode hyperfine"
	@LUA=$(LUA) sh tools/bench.sh

fuzz: deps
	@sh tools/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-fuzz parley src/*.o
