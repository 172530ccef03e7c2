-- SPDX-License-Identifier: MIT
-- The command line's conventions: how options are written, colour, help, the one exit code for
-- an output that cannot be written, and running a config on a store of one's choosing.
local support = require "support"

local example = support.top .. "/examples/caucasus-2021/reconcile.yaml"

describe("parley's options", function()
   it("take --name=value as well as --name value, and -q for --quiet", function()
      local dir = support.tmpname("opts")
      os.execute("mkdir -p " .. support.quote(dir))
      local code, out, err = support.parley("reconcile", example, "--format=json", "--out=" .. dir .. "/a.json")
      assert.equal(0, code, err)
      assert.equal("", out)
      assert.matches('"type":"finding"', support.read(dir .. "/a.json"))
      code, out = support.parley("reconcile", example, "-q")
      assert.equal(0, code)
      assert.equal("", out)
      code, out, err = support.parley("reconcile", example, "--quiet=yes")
      assert.equal(3, code, out)
      assert.matches("option %-%-quiet takes no value", err)
   end)

   it("#terminal give no colour when NO_COLOR is set or the terminal is dumb", function()
      local script = support.write(support.tmpname("colour.lua"), [[
         local cli = require "parley.cli"
         os.exit(cli.main({ "reconcile", arg[1] }), true)
      ]])
      -- script(1) gives the command a terminal, so colour would be on without the variables
      for _, env in ipairs({ "NO_COLOR=1", "TERM=dumb" }) do
         local code, out = support.sh(string.format("%s script -qec %s /dev/null", env,
            support.quote("lua5.4 " .. script .. " " .. example)))
         assert.equal(0, code, out)
         assert.is_nil(out:find("\27%[[%d;]*m"), env)
      end
      local code, out = support.sh(string.format("TERM=xterm script -qec %s /dev/null",
         support.quote("lua5.4 " .. script .. " " .. example)))
      assert.equal(0, code, out)
      assert.truthy(out:find("\27%[[%d;]*m"), "colour on a terminal")
      code, out = support.sh(string.format("TERM=dumb script -qec %s /dev/null",
         support.quote("lua5.4 " .. script .. " " .. example)))
      assert.equal(0, code, out)
      assert.is_nil(out:find("\27", 1, true), "no escape at all on a dumb terminal")
   end)
end)

describe("parley help", function()
   it("describes a command, and refuses an unknown one with exit 3 and a suggestion", function()
      local code, out = support.parley("help", "reconcile")
      assert.equal(0, code)
      assert.matches("usage: parley reconcile CONFIG", out)
      local err
      code, out, err = support.parley("help", "reconcil")
      assert.equal(3, code)
      assert.equal("", out)
      assert.matches("unknown command 'reconcil' %(did you mean 'reconcile'%?%)", err)
   end)

   it("works from the tree's root as bin/parley, without any path set", function()
      local code, out = support.sh(string.format("cd %s && env -u LUA_PATH_5_4 -u LUA_CPATH_5_4 bin/parley help",
         support.quote(support.top)))
      assert.equal(0, code, out)
      assert.matches("^usage: parley COMMAND", out)
   end)
end)

describe("an output file that cannot be written", function()
   it("is exit code 2, with the reason, for reconcile --out and report --out alike", function()
      local db = support.tmpname("out.db")
      -- reconcile checks before it runs, so that no run is stored whose report cannot be written
      local code, out, err = support.parley("reconcile", example, "--store", db, "--out", "/no/such/dir/r.txt")
      assert.equal(2, code, out .. err)
      assert.matches("parley: cannot write /no/such/dir/r.txt: /no/such/dir is not a directory", err, 1, true)
      code, out, err = support.parley("reconcile", example, "--store", db, "-q")
      assert.equal(0, code, out .. err)
      code, out, err = support.parley("report", db, "latest", "--out", "/no/such/dir/r.txt")
      assert.equal(2, code, out .. err)
      assert.matches("parley: cannot write /no/such/dir/r.txt: No such file or directory", err)
   end)

   it("is never written through a symbolic link", function()
      local target = support.write(support.tmpname("precious"), "keep me")
      local link = support.tmpname("link")
      os.execute(string.format("ln -s %s %s", support.quote(target), support.quote(link)))
      local code, _, err = support.parley("reconcile", example, "--out", link)
      assert.equal(2, code)
      assert.matches("refusing to write through a symbolic link", err)
      assert.equal("keep me", support.read(target))
   end)
end)

describe("parley reconcile --store", function()
   it("runs a config on the store given instead of the config's own, and stores the run there", function()
      local db = support.tmpname("given.db")
      local code, _, err = support.parley("reconcile", example, "--store", db, "-q")
      assert.equal(0, code, err)
      local out
      code, out = support.parley("runs", db)
      assert.equal(0, code)
      assert.matches("\n1 +%S*reconcile%.yaml", out)
   end)
end)
