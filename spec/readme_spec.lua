-- The README stays true: its Lua example and its command lines run as written.
local support = require "support"

local readme = support.read(support.top .. "/README.md")

local function blocks(lang)
   local out = {}
   for code in readme:gmatch("```" .. lang .. "\n(.-)```") do out[#out + 1] = code end
   return out
end

-- A directory where the README's relative paths work: the examples, and nothing else.
local function workdir()
   local dir = support.tmpname("readme")
   os.execute(string.format("mkdir -p %s && ln -s %s/examples %s/examples", support.quote(dir),
      support.quote(support.top), support.quote(dir)))
   return dir
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
      local script = support.write(dir .. "/example.lua", example)
      local code, out = support.sh(string.format("cd %s && %s %s", support.quote(dir), os.getenv("LUA") or "lua5.4",
         support.quote(script)))
      assert.equal(0, code, out)
      assert.matches("ARM\t2021%-06\t200\tsoldiers %+ civilians", out)
      assert.matches("Agdam\t97000", out)
   end)

   it("shows command lines that run as written", function()
      local dir = workdir()
      local ran = 0
      for _, block in ipairs(blocks("sh")) do
         for line in block:gmatch("[^\n]+") do
            if line:match("^parley ") then
               local code, out = support.sh(string.format("cd %s && %s/bin/%s", support.quote(dir),
                  support.quote(support.top), line))
               assert.equal(0, code, line .. "\n" .. out)
               ran = ran + 1
            end
         end
      end
      assert.is_true(ran >= 4)
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
      assert.matches("%[medium%] count_gap: detainees held by AZE, about ARM: ARM says ~200", out)
      assert.matches("%[high%] self_contradiction: ARM denied that mine maps exist", out)
      assert.matches("%[exchange%] 2021%-06%-12%-agdam", out)
      local html = out:match("HTML report: (%S+)")
      assert.is_string(html)
      assert.matches("<svg", support.read(html))
   end)
end)
