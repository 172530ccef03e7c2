-- SPDX-License-Identifier: MIT
-- core.list_dir: finding files without a shell.
local core = require "parley.core"

describe("core.list_dir", function()
   it("lists a directory's entries with their kinds, without . and ..", function()
      local dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir -p '" .. dir .. "/sub dir'"))
      local f = assert(io.open(dir .. "/a name with 'quotes'.lua", "w"))
      f:close()
      local entries = assert(core.list_dir(dir))
      table.sort(entries, function(a, b) return a.name < b.name end)
      assert.same({ { name = "a name with 'quotes'.lua", kind = "file" }, { name = "sub dir", kind = "directory" } },
         entries)
      os.execute("rm -rf '" .. dir .. "'")
   end)

   it("returns nil and the path with the system's reason when the directory cannot be read", function()
      local entries, err = core.list_dir("/no/such/dir")
      assert.is_nil(entries)
      assert.equal("/no/such/dir: No such file or directory", err)
   end)
end)
