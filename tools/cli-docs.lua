-- SPDX-License-Identifier: MIT
-- `make man` and `make completion`: writes parley(1) or a shell's completion script, made from
-- the command line's help (lua/parley/cli.lua), to standard output.
-- usage: lua5.4 tools/cli-docs.lua man|bash|zsh   (with tools/env.sh's paths, as make runs it)
local cli = require "parley.cli"
local what = arg[1]
if what == "man" then
   io.write(cli.man_page())
elseif what == "bash" or what == "zsh" then
   io.write(cli.completion(what))
else
   io.stderr:write("usage: lua5.4 tools/cli-docs.lua man|bash|zsh\n")
   os.exit(3)
end
