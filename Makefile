# SPDX-License-Identifier: MIT
# parley: build, test and demo from a fresh Debian 12 machine.
# Tests always run against this tree (build/ and lua/), never against an installed copy.

LUA ?= lua5.4
CC ?= cc
LUA_INC ?= /usr/include/lua5.4
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
ALL_CFLAGS = $(CFLAGS) $(WARN) -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -I$(LUA_INC) -Isrc
LIBS = -lsqlite3 -lyaml -lutf8proc -lcsv -lzip -lexpat -lcrypto -lpthread
SRC = $(wildcard src/*.c)
HDR = $(wildcard src/*.h)
SO = build/parley/core.so
ASAN_SO = build-asan/parley/core.so
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

DEBIAN_PACKAGES = lua5.4 liblua5.4-dev libsqlite3-dev libyaml-dev libutf8proc-dev luarocks \
	lua-busted lua-check gcc make git clang libclang-rt-14-dev chromium libcsv-dev \
	libzip-dev libexpat1-dev libssl-dev zip r-base-core lua-ldoc lua-markdown man-db groff-base zsh \
	python3-jsonschema

.PHONY: all deps env test spec lint asan valgrind demo install clean bench fuzz man completion rock check-libs docs

# The man page and the shell completions are made from the command line's help.
CLI_DOCS = build/parley.1 build/parley.bash build/_parley
LUA_SOURCES = $(shell find lua -name '*.lua')

all: $(SO) $(CLI_DOCS)

man: build/parley.1

completion: build/parley.bash build/_parley

build/parley.1: $(SO) $(LUA_SOURCES) tools/cli-docs.lua
	@PARLEY_TOP=$(CURDIR) LUA=$(LUA) . tools/env.sh && $(LUA) tools/cli-docs.lua man >$@.tmp && mv $@.tmp $@

build/parley.bash: $(SO) $(LUA_SOURCES) tools/cli-docs.lua
	@PARLEY_TOP=$(CURDIR) LUA=$(LUA) . tools/env.sh && $(LUA) tools/cli-docs.lua bash >$@.tmp && mv $@.tmp $@

build/_parley: $(SO) $(LUA_SOURCES) tools/cli-docs.lua
	@PARLEY_TOP=$(CURDIR) LUA=$(LUA) . tools/env.sh && $(LUA) tools/cli-docs.lua zsh >$@.tmp && mv $@.tmp $@

$(SO): $(SRC) $(HDR)
	@$(MAKE) -s check-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -shared -o $@ $(SRC) $(LIBS)

# Each C library parley.core links: its header, its -l name and the Debian package with both.
# check-libs names the package to install for each one missing (iconv and pthread are libc's).
C_LIBS = sqlite3.h:sqlite3:libsqlite3-dev yaml.h:yaml:libyaml-dev utf8proc.h:utf8proc:libutf8proc-dev \
	csv.h:csv:libcsv-dev zip.h:zip:libzip-dev expat.h:expat:libexpat1-dev openssl/sha.h:crypto:libssl-dev lua.h::liblua5.4-dev

check-libs:
	@missing=""; for entry in $(C_LIBS); do \
		header=$${entry%%:*}; rest=$${entry#*:}; lib=$${rest%%:*}; package=$${rest#*:}; \
		if ! printf '#include <%s>\n' "$$header" | $(CC) -E -I$(LUA_INC) $(CPPFLAGS) - >/dev/null 2>&1; then \
			echo "parley: missing header $$header: install the Debian package $$package" >&2; missing="$$missing $$package"; \
		elif [ -n "$$lib" ] && ! printf 'int main(void) { return 0; }\n' | \
			$(CC) -x c - -o /dev/null $(LDFLAGS) -l$$lib >/dev/null 2>&1; then \
			echo "parley: missing library -l$$lib: install the Debian package $$package" >&2; missing="$$missing $$package"; \
		fi; \
	done; \
	if [ -n "$$missing" ]; then echo "parley: apt-get install$$missing (or: make deps)" >&2; exit 1; fi

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
	@$(MAKE) -s all $(ASAN_SO)
	@LUA=$(LUA) sh tools/run-tests.sh all

spec: all
	@LUA=$(LUA) sh tools/run-tests.sh spec

lint:
	@LUA=$(LUA) sh tools/run-tests.sh lint

asan: $(ASAN_SO)
	@LUA=$(LUA) sh tools/run-tests.sh asan

valgrind: all
	@$(MAKE) -s deps EXTRA_PACKAGES=valgrind
	@LUA=$(LUA) sh tools/run-tests.sh valgrind

demo: deps $(SO)
	@LUA=$(LUA) sh tools/demo.sh

# The API reference (LDoc, config.ld): build/docs/index.html.
docs:
	@ldoc -q . >/dev/null && echo build/docs/index.html

install: deps $(CLI_DOCS)
	luarocks --lua-version=5.4 make rockspec/parley-scm-1.rockspec

# A source rock packed offline from what is committed (git archive of HEAD, with the man page and
# completions made here added): build/rock/parley-scm-1.src.rock, which `luarocks install`
# builds and installs with no network and no git. Uncommitted changes are not in it.
ROCK_DIR = build/rock
rock: $(CLI_DOCS)
	@rm -rf $(ROCK_DIR) && mkdir -p $(ROCK_DIR)/parley-scm/build
	@git archive --format=tar HEAD | tar -x -C $(ROCK_DIR)/parley-scm
	@cp $(CLI_DOCS) $(ROCK_DIR)/parley-scm/build/
	@tar -C $(ROCK_DIR) -czf $(ROCK_DIR)/parley-scm.tar.gz parley-scm
	@sed 's|^   url = .*|   url = "file://$(abspath $(ROCK_DIR))/parley-scm.tar.gz",|' \
		rockspec/parley-scm-1.rockspec >$(ROCK_DIR)/parley-scm-1.rockspec
	@cd $(ROCK_DIR) && luarocks --lua-version=5.4 pack parley-scm-1.rockspec >/dev/null
	@echo $(ROCK_DIR)/parley-scm-1.src.rock

bench: $(SO)
	@$(MAKE) -s deps EXTRA_PACKAGES="lua-yaml lua-sql-sqlite3 python3-jellyfish python3-unidecode hyperfine"
	@LUA=$(LUA) sh tools/bench.sh

fuzz: deps
	@sh tools/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-fuzz parley src/*.o
