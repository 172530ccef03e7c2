-- SPDX-License-Identifier: MIT
-- The rockspec: every module is in it, and `luarocks make` installs a working parley offline.
-- Tagged "install": the sanitizer pass leaves it out (it runs the C compiler, not our code).
local support = require "support"

local function rockspec()
   local env = {}
   local chunk = assert(loadfile(support.top .. "/rockspec/parley-scm-1.rockspec", "t", env))
   chunk()
   return env
end

describe("the rockspec", function()
   it("depends only on Lua 5.4 and names the external C libraries", function()
      local spec = rockspec()
      assert.equal("3.0", spec.rockspec_format)
      assert.same({ "lua >= 5.4, < 5.5" }, spec.dependencies)
      assert.equal("builtin", spec.build.type)
      assert.equal("sqlite3.h", spec.external_dependencies.SQLITE.header)
      assert.equal("yaml.h", spec.external_dependencies.YAML.header)
   end)

   it("builds every C file and installs every Lua module and the command", function()
      local spec = rockspec()
      local sources = {}
      for _, s in ipairs(spec.build.modules["parley.core"].sources) do sources[s] = true end
      local code, listing = support.sh("cd " .. support.quote(support.top) ..
         " && find src -name '*.c' && find lua -name '*.lua'")
      assert.equal(0, code)
      for file in listing:gmatch("[^\n]+") do
         if file:match("%.c$") then
            assert.truthy(sources[file], file .. " is not in the rockspec")
         else
            local name = file:gsub("^lua/", ""):gsub("/init%.lua$", ""):gsub("%.lua$", ""):gsub("/", ".")
            assert.equal(file, spec.build.modules[name], name .. " is not installed by the rockspec")
         end
      end
      assert.equal("bin/parley", spec.build.install.bin.parley)
   end)
end)

describe("#install luarocks make", function()
   it("installs offline into a tree, and require 'parley' works from any directory", function()
      local tree, copy = support.tmpname("rocks"), support.tmpname("source")
      -- built from a copy, so the build's objects do not land in the source tree
      local code, out = support.sh(string.format(
         "mkdir -p %s/build && cd %s && cp -r src lua bin rockspec %s && " ..
         "cp build/parley.1 build/parley.bash build/_parley %s/build && cd %s && " ..
         "luarocks --lua-version=5.4 --tree %s make rockspec/parley-scm-1.rockspec",
         support.quote(copy), support.quote(support.top), support.quote(copy), support.quote(copy),
         support.quote(copy), support.quote(tree)))
      assert.equal(0, code, out)
      -- from an unrelated directory, with only the tree's paths (not this source tree)
      code, out = support.sh(string.format(
         "cd / && unset LUA_PATH_5_4 LUA_CPATH_5_4 && eval \"$(luarocks --lua-version=5.4 --tree %s path)\" && " ..
         "lua5.4 -e 'local p = require \"parley\"; local db = assert(p.open(\":memory:\")); " ..
         "print(package.searchpath(\"parley.core\", package.cpath), db:first(\"SELECT 42 AS x\").x)'",
         support.quote(tree)))
      assert.equal(0, code, out)
      assert.matches("^" .. tree:gsub("%p", "%%%0") .. "/lib/lua/5%.4/parley/core%.so%s42", out)
      code, out = support.sh(string.format("cd / && unset LUA_PATH_5_4 LUA_CPATH_5_4 && %s/bin/parley version",
         support.quote(tree)))
      assert.equal(0, code, out)
      assert.matches("^parley scm", out)
   end)
end)
