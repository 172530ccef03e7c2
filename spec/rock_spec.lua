-- SPDX-License-Identifier: MIT
-- The rock: the rockspec says what LuaRocks and its users need, `make rock` packs it offline
-- from a clean clone, the packed rock installs with no network and no git, and `luarocks test`
-- runs the quick specs. The packing and installing are tagged "install" (the sanitizer passes
-- leave them out: they run the compiler and LuaRocks, not parley) and "rock" (the quick task
-- leaves them out: `luarocks test` would run itself).
local support = require "support"

local top = support.top
local q = support.quote

local function rockspec()
   local env = {}
   assert(loadfile(top .. "/rockspec/parley-scm-1.rockspec", "t", env))()
   return env
end

describe("the rockspec", function()
   it("describes the package as LuaRocks shows it", function()
      local spec = rockspec()
      assert.equal("MIT", spec.description.license)
      assert.matches("^https://", spec.description.homepage)
      assert.matches("^https://", spec.description.issues_url)
      assert.matches("<[^@>]+@[^>]+>$", spec.description.maintainer)
      assert.truthy(#spec.description.labels >= 3)
      assert.same({ "lua >= 5.4, < 5.5" }, spec.dependencies)
   end)

   it("checks each library parley.core links by header and library", function()
      local spec = rockspec()
      local checked = {}
      for _, dep in pairs(spec.external_dependencies) do
         assert.truthy(dep.header, "a header check")
         assert.truthy(dep.library, "a library check beside the header check of " .. dep.header)
         checked[dep.library] = true
      end
      for _, lib in ipairs(spec.build.modules["parley.core"].libraries) do
         -- pthread is libc's (glibc 2.34 and later)
         if lib ~= "pthread" then assert.truthy(checked[lib], "no external dependency checks -l" .. lib) end
      end
   end)

   it("installs the man page and the completions, and tests with busted", function()
      local spec = rockspec()
      assert.equal("build/parley.1", spec.build.install.conf["man/man1/parley.1"])
      assert.equal("build/parley.bash", spec.build.install.conf["bash-completion/completions/parley"])
      assert.equal("build/_parley", spec.build.install.conf["zsh/site-functions/_parley"])
      assert.matches("^busted", spec.test_dependencies[1])
      assert.equal("sh tools/run-tests.sh quick", spec.test.command)
   end)
end)

describe("#tools make check-libs", function()
   it("names the Debian package of a missing header, and of a missing library", function()
      local code, out = support.sh("cd " .. q(top) ..
         " && make -s check-libs C_LIBS='parley_no_such_header.h:sqlite3:libnothing-dev'")
      assert.is_not.equal(0, code)
      assert.matches("missing header parley_no_such_header%.h: install the Debian package libnothing%-dev", out)
      code, out = support.sh("cd " .. q(top) ..
         " && make -s check-libs C_LIBS='stdio.h:parley_no_such_lib:libnolib-dev'")
      assert.is_not.equal(0, code)
      assert.matches("missing library %-lparley_no_such_lib: install the Debian package libnolib%-dev", out)
      assert.matches("apt%-get install libnolib%-dev", out)
      code, out = support.sh("cd " .. q(top) .. " && make -s check-libs")
      assert.equal(0, code, out)
   end)
end)

-- Runs cmd with no network (a new network namespace, when the kernel lets us make one) and a
-- git that records being called and fails.
local function offline(cmd, dir)
   local bin = dir .. "/fakebin"
   os.execute("mkdir -p " .. q(bin))
   support.write(bin .. "/git", "#!/bin/sh\necho \"git $*\" >>" .. q(dir .. "/git-called") .. "\nexit 1\n")
   os.execute("chmod +x " .. q(bin .. "/git"))
   local unshare = support.sh("unshare -rn true") == 0 and "unshare -rn " or ""
   return support.sh(string.format("PATH=%s:$PATH %ssh -c %s", q(bin), unshare, q(cmd)))
end

describe("#install #rock the packed rock", function()
   local dir = support.tmpname("rock")
   local clone = dir .. "/clone"

   it("packs from a clean clone, installs with no network and no git, and luarocks test passes", function()
      if support.sh("cd " .. q(top) .. " && git rev-parse --git-dir") ~= 0 then
         pending("not a git checkout: nothing to clone")
         return
      end
      local code, out = support.sh(string.format("mkdir -p %s && git clone -q %s %s && cd %s && make -s rock",
         q(dir), q(top), q(clone), q(clone)))
      assert.equal(0, code, out)
      local rock = clone .. "/build/rock/parley-scm-1.src.rock"
      assert.matches("build/rock/parley%-scm%-1%.src%.rock", out)

      local tree = dir .. "/tree"
      code, out = offline(string.format("cd %s && luarocks --lua-version=5.4 --tree %s --only-server=%s install %s",
         q(dir), q(tree), q(dir .. "/no-server"), q(rock)), dir)
      assert.equal(0, code, out)
      assert.matches("parley scm%-1 is now installed", out)
      assert.is_nil(io.open(dir .. "/git-called"), "git was called")

      -- the command, from anywhere, with only the tree's paths
      code, out = support.sh(string.format("cd / && unset LUA_PATH_5_4 LUA_CPATH_5_4 && %s/bin/parley version",
         q(tree)))
      assert.equal(0, code, out)
      assert.matches("^parley scm", out)
      -- the man page and the completions, where LuaRocks put them
      local conf = tree .. "/lib/luarocks/rocks-5.4/parley/scm-1/conf"
      code, out = support.sh("MANWIDTH=100 man -l " .. q(conf .. "/man/man1/parley.1") .. " | col -b")
      assert.equal(0, code, out)
      assert.matches("parley reconcile CONFIG", out)
      assert.matches("complete %-o filenames %-F _parley parley", support.read(conf ..
         "/bash-completion/completions/parley"))
      assert.matches("^#compdef parley", support.read(conf .. "/zsh/site-functions/_parley"))
   end)

   it("runs luarocks test offline: the quick specs with busted, in the clean clone", function()
      if support.sh("test -d " .. q(clone)) ~= 0 then
         pending("the clone of the test before is not there")
         return
      end
      -- busted as a rock LuaRocks can find with no network: the system's busted, run under 5.4
      local rocks = dir .. "/busted"
      os.execute("mkdir -p " .. q(rocks))
      support.write(rocks .. "/busted", "#!/bin/sh\nexec busted --lua=lua5.4 \"$@\"\n")
      support.write(rocks .. "/busted-2.1.1-1.rockspec", [[
rockspec_format = "3.0"
package = "busted"
version = "2.1.1-1"
source = { url = "." }
build = { type = "none", install = { bin = { busted = "busted" } } }
]])
      local busted_tree = dir .. "/busted-tree"
      local config = support.write(dir .. "/luarocks-config.lua",
         string.format("rocks_trees = { %q }\nrocks_servers = {}\n", busted_tree))
      local code, out = support.sh(string.format("cd %s && luarocks --lua-version=5.4 --tree %s make " ..
         "busted-2.1.1-1.rockspec", q(rocks), q(busted_tree)))
      assert.equal(0, code, out)
      code, out = offline(string.format("cd %s && LUAROCKS_CONFIG=%s luarocks --lua-version=5.4 --tree %s test " ..
         "rockspec/parley-scm-1.rockspec", q(clone), q(config), q(busted_tree)), dir)
      assert.equal(0, code, out)
      assert.matches("quick specs: %d+ passed, 0 failed", out)
      assert.matches("\n%d+ passed, 0 failed, 0 skipped", out)
   end)
end)
