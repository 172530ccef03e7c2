# SPDX-License-Identifier: MIT
# Sourced by the tools: makes Lua load parley from this tree (build/ first, then lua/),
# whatever is installed on the machine. PARLEY_BUILD selects another build (the ASan one).
top=${PARLEY_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
build=${PARLEY_BUILD:-$top/build}
LUA=${LUA:-lua5.4}
LUA_PATH_5_4="$top/lua/?.lua;$top/lua/?/init.lua;$top/spec/?.lua;;"
LUA_CPATH_5_4="$build/?.so;;"
PATH="$top/bin:$PATH"
PARLEY_TOP=$top
export LUA LUA_PATH_5_4 LUA_CPATH_5_4 PATH PARLEY_TOP
