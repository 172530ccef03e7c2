-- SPDX-License-Identifier: MIT
-- The shell completions and the man page are made from the table the help is made from, so
-- they list every command the command line runs, with its subcommands and options. Tagged
-- "tools" where they run zsh, groff or man: the ASan pass leaves those out (its preload makes
-- those programs' own leaks abort them).
local support = require "support"
local cli = require "parley.cli"

local function names_of(list)
   local names = {}
   for i, c in ipairs(list) do names[i] = c.name end
   table.sort(names)
   return names
end

-- What bash completes for the words of a command line (the last one being completed).
local function bash_complete(script_path, ...)
   local words = { ... }
   local quoted = {}
   for i, w in ipairs(words) do quoted[i] = support.quote(w) end
   local code, out = support.sh(string.format(
      "bash -c %s", support.quote(string.format(". %s; COMP_WORDS=(parley %s); COMP_CWORD=%d; _parley; " ..
         "printf '%%s\\n' \"${COMPREPLY[@]}\"", support.quote(script_path), table.concat(quoted, " "), #words))))
   assert.equal(0, code, out)
   local got = {}
   for line in out:gmatch("[^\n]+") do got[#got + 1] = line end
   table.sort(got)
   return got
end

describe("the help's table of commands", function()
   it("has every command the command line runs, and only those", function()
      assert.same(cli.command_names(), names_of(cli.commands()))
   end)

   it("reads subcommands, options and their values from the usage lines", function()
      local by_name = {}
      for _, c in ipairs(cli.commands()) do by_name[c.name] = c end
      assert.same({ "list", "test" }, by_name.rules.subcommands)
      assert.same({ "match", "key" }, by_name.names.subcommands)
      assert.same({ "--store", "--no-store", "--format", "--out", "--fail-on", "-j", "-q", "--quiet", "--share",
         "--share-key", "--allow-outside", "--root", "--help" }, by_name.reconcile.options)
      assert.same(require("parley.share").LEVELS, by_name.reconcile.values["--share"])
      assert.same({ "info", "low", "medium", "high", "critical" }, by_name.reconcile.values["--fail-on"])
      assert.same(require("parley.report").formats(), by_name.report.values["--format"])
      assert.same({ "persons", "claims", "exchanges" }, by_name.export.values["--kind"])
   end)
end)

describe("the bash completion", function()
   local script = support.tmpname("parley.bash")
   support.write(script, cli.completion("bash"))

   it("lists every command", function()
      local text = cli.completion("bash")
      for _, name in ipairs(cli.command_names()) do
         assert.truthy(text:find("%f[%w]" .. name .. "%f[^%w]"), name)
      end
      local expected = cli.command_names()
      expected[#expected + 1] = "--help"
      expected[#expected + 1] = "--version"
      table.sort(expected)
      assert.same(expected, bash_complete(script, ""))
   end)

   it("completes commands, subcommands, options and option values", function()
      assert.same({ "reconcile", "report", "review" }, bash_complete(script, "re"))
      assert.same({ "list", "test" }, bash_complete(script, "rules", ""))
      assert.same({ "--fail-on", "--format" }, bash_complete(script, "reconcile", "x.yaml", "--f"))
      assert.same(require("parley.report").formats(), bash_complete(script, "reconcile", "x.yaml", "--format", ""))
      assert.same({ "high" }, bash_complete(script, "reconcile", "--fail-on", "h"))
      assert.same({ "diff" }, bash_complete(script, "help", "di"))
   end)

   it("completes file names for the arguments", function()
      local dir = support.tmpname("files")
      os.execute("mkdir -p " .. support.quote(dir) .. " && touch " .. support.quote(dir .. "/data.yaml"))
      assert.same({ dir .. "/data.yaml" }, bash_complete(script, "validate", dir .. "/da"))
   end)
end)

describe("#tools the zsh completion", function()
   it("lists every command with its summary, and zsh reads it", function()
      local text = cli.completion("zsh")
      assert.matches("^#compdef parley\n", text)
      for _, c in ipairs(cli.commands()) do
         assert.truthy(text:find("'" .. c.name .. ":", 1, true), c.name)
      end
      local path = support.write(support.tmpname("_parley"), text)
      local code, out = support.sh("zsh -n " .. support.quote(path))
      assert.equal(0, code, out)
   end)

   it("refuses a shell it does not know", function()
      assert.has_error(function() cli.completion("fish") end,
         "bad argument #1 to 'completion' (\"bash\" or \"zsh\" expected, got fish)")
   end)
end)

describe("#tools the man page parley(1)", function()
   it("renders without a warning and describes every command", function()
      local page = support.write(support.tmpname("parley.1"), cli.man_page())
      local code, warnings = support.sh("groff -man -Tutf8 -ww -z " .. support.quote(page))
      assert.equal(0, code, warnings)
      assert.equal("", warnings)
      local out
      code, out = support.sh("MANWIDTH=200 man -l " .. support.quote(page) .. " | col -b")
      assert.equal(0, code, out)
      assert.matches("^PARLEY%(1%)", out)
      for _, c in ipairs(cli.commands()) do
         -- each command has its section, with its usage
         assert.truthy(out:find("\n   " .. c.name .. "\n", 1, true), c.name)
         assert.truthy(out:find(c.usage[1], 1, true), c.usage[1])
      end
      assert.matches("EXIT STATUS", out)
      assert.matches("NO_COLOR", out)
   end)

   it("is what make built in build/parley.1", function()
      local built = io.open(support.top .. "/build/parley.1", "rb")
      assert.truthy(built, "make builds build/parley.1")
      assert.equal(cli.man_page(), built:read("a"), "build/parley.1 is older than the help: run make")
      built:close()
   end)
end)
