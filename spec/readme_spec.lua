-- SPDX-License-Identifier: MIT
-- The README stays true: its Lua example and its command lines run as written.
local support = require "support"

local readme = support.read(support.top .. "/README.md")

local function blocks(lang)
   local out = {}
   for code in readme:gmatch("```" .. lang .. "\n(.-)```") do out[#out + 1] = code end
   return out
end

-- A directory that stands for a fresh clone where the README's relative paths work: the
-- examples, the Makefile, the launcher, the modules and the build, and nothing else.
local function workdir()
   local dir = support.tmpname("readme")
   os.execute("mkdir -p " .. support.quote(dir))
   for _, name in ipairs({ "examples", "Makefile", "bin", "lua", "build", "tools", "src", "rockspec" }) do
      os.execute(string.format("ln -s %s/%s %s/%s", support.quote(support.top), name, support.quote(dir), name))
   end
   return dir
end

-- The shell, with no parley of the tree on its paths: what a newcomer's shell has.
local function clean_shell(dir, script)
   return string.format("cd %s && env -u LUA_PATH_5_4 -u LUA_CPATH_5_4 PATH=/usr/local/bin:/usr/bin:/bin sh -e -c %s",
      support.quote(dir), support.quote(script))
end

describe("the README", function()
   it("gives make demo and make test as the set-up, and the luarocks install line", function()
      local sh = table.concat(blocks("sh"), "\n")
      assert.matches("make demo", sh)
      assert.matches("make test", sh)
      assert.matches("luarocks %-%-lua%-version=5%.4 make rockspec/parley%-scm%-1%.rockspec", sh)
   end)

   it("has a Lua example of about ten lines that runs", function()
      local lua = blocks("lua")
      assert.is_true(#lua >= 1)
      local example = lua[1]
      local _, lines = example:gsub("\n", "")
      assert.is_true(lines <= 12, "the example has " .. lines .. " lines")
      local dir = workdir()
      support.write(dir .. "/example.lua", example)
      local code, out = support.sh(clean_shell(dir, 'eval "$(make -s env)"; lua5.4 example.lua'))
      assert.equal(0, code, out)
      assert.matches("ARM\t2021%-06\t~200\tsoldiers %+ civilians", out)
      assert.matches("Agdam\t97000", out)
   end)

   it("shows command lines that run as written, pasted in order into a newcomer's shell", function()
      local dir = workdir()
      local block
      for _, b in ipairs(blocks("sh")) do
         if b:find('eval "$(make -s env)"', 1, true) then block = b end
      end
      assert.is_string(block, "no block of parley commands")
      local _, commands = block:gsub("\nparley ", "")
      assert.is_true(commands >= 6)
      local code, out = support.sh(clean_shell(dir, block))
      assert.equal(0, code, out)
      -- one story: the run of the example's config was stored in the store imported into,
      -- once (--no-store tried it first), with three reports of it
      assert.matches("\n1 +%S*reconcile%.yaml[^\n]+\n", out)
      assert.is_nil(out:find("\n2 +%S*reconcile%.yaml"))
      for _, name in ipairs({ "report.html", "report.json", "report.sarif" }) do
         assert.truthy(io.open(dir .. "/" .. name), name)
      end
   end)
end)

describe("the README's example report", function()
   it("is what the example's run prints", function()
      local shown = readme:match("```text\n(.-)```")
      assert.is_string(shown)
      local _, out = support.parley("reconcile", support.top .. "/examples/caucasus-2021/parley.yaml")
      local n = 0
      for line in shown:gmatch("[^\n]+") do
         assert.truthy(out:find(line, 1, true), "not in the run's report: " .. line)
         n = n + 1
      end
      assert.is_true(n >= 8)
   end)
end)

describe("#demo make demo", function()
   it("imports the example, shows the claims side by side, runs every rule and writes the HTML report", function()
      local store = support.tmpname("demo") .. "/caucasus-2021.db"
      os.execute("mkdir -p " .. support.quote(store:match("^(.*)/")))
      local code, out = support.sh(string.format("make -s -C %s demo DEMO_STORE=%s", support.quote(support.top),
         support.quote(store)))
      assert.equal(0, code, out)
      assert.matches("imported 1 file into", out)
      assert.matches("detainees held by AZE, about ARM", out)
      -- the two counts are of different people: a scope mismatch, never a count gap under scopes: same
      assert.matches("%[low%] scope_mismatch: detainees held by AZE, about ARM: ARM counts ~200", out)
      assert.is_nil(out:find("] count_gap:", 1, true))
      assert.matches("%[high%] self_contradiction: ARM denied that mine maps exist", out)
      assert.matches("%[exchange%] 2021%-06%-12%-agdam", out)
      local html = out:match("HTML report: (%S+)")
      assert.is_string(html)
      assert.matches("<svg", support.read(html))
      -- and it ends with what a user needs next: how to install, or to use the tree
      assert.matches("luarocks %-%-lua%-version=5%.4 make rockspec/parley%-scm%-1%.rockspec\n"
         .. 'or use it from this tree:\n  eval "%$%(make %-s env%)"\n$', out)
   end)
end)
