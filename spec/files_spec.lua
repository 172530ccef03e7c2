-- SPDX-License-Identifier: MIT
-- Output files are written whole or not at all.
local files = require "parley.files"
local support = require "support"

local quote = support.quote

describe("parley.files.write", function()
   it("writes a file, and replaces one that is there", function()
      local path = support.tmpname("out.txt")
      assert.is_true(files.write(path, "one"))
      assert.is_true(files.write(path, "two"))
      assert.equal("two", support.read(path))
   end)

   it("refuses a target that is a symbolic link, and leaves where it points alone", function()
      local target = support.write(support.tmpname("target"), "precious")
      local link = support.tmpname("link")
      assert(os.execute(string.format("ln -s %s %s", quote(target), quote(link))))
      local ok, err = files.write(link, "overwritten")
      assert.is_nil(ok)
      assert.equal(link .. ": refusing to write through a symbolic link", err)
      assert.equal("precious", support.read(target))
   end)

   it("says why when the directory does not exist", function()
      local ok, err = files.write("/no/such/dir/report.html", "x")
      assert.is_nil(ok)
      assert.equal("cannot write /no/such/dir/report.html: No such file or directory", err)
   end)

   it("on a full disk fails with the reason, keeps the old file whole and leaves no temporary behind", function()
      local dir = support.tmpname("full")
      assert(os.execute("mkdir -p " .. quote(dir)))
      support.write(dir .. "/report.txt", "the old report")
      local script = support.write(dir .. "/write.lua", [[
         local files = require "parley.files"
         local ok, err = files.write(arg[1], string.rep("x", 200000))
         print(ok, err)
      ]])
      local code, out = support.sh(string.format("ulimit -f 64 && trap '' XFSZ && %s %s %s", os.getenv("LUA") or
         "lua5.4", quote(script), quote(dir .. "/report.txt")))
      assert.equal(0, code, out)
      assert.matches("^nil\tcannot write " .. dir:gsub("%p", "%%%0") .. "/report.txt: File too large\n$", out)
      assert.equal("the old report", support.read(dir .. "/report.txt"))
      local _, listing = support.sh("ls -A " .. quote(dir))
      assert.equal("report.txt\nwrite.lua\n", listing)
   end)
end)
