-- SPDX-License-Identifier: MIT
std = "lua54"
max_line_length = 120
exclude_files = { "build", "build-asan", "build-fuzz", "parley" }
-- busted's globals, named here rather than through std so that `--std lua54` on the command
-- line (as CI and the hooks run it) keeps them
local busted = { "describe", "it", "pending", "before_each", "after_each", "setup", "teardown",
   "lazy_setup", "lazy_teardown", "strict_setup", "strict_teardown", "insulate", "expose",
   "spy", "stub", "mock", "finally", "randomize", "assert" }
files["spec/**/*.lua"] = { read_globals = busted }
files["spec/*.lua"] = { read_globals = busted }
color = false
