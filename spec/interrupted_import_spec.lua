-- An import killed at any point (SIGKILL, as a power cut would) leaves the store without that
-- import or with all of it, never part of it.
local parley = require "parley"
local support = require "support"

local CLAIMS = 1000

-- The child writes a dataset file, marks when the import begins and when it has returned.
local IMPORTER = [[
local parley = require "parley"
local path, batch, marker, n = arg[1], arg[2], arg[3], tonumber(arg[4])
local claims = {}
for i = 1, n do
   claims[i] = { id = batch .. "-" .. i, claimant = "ARM", source = "src", as_of = "2021-06",
      subject = "detainees", holder = "AZE", about = "ARM", count = { best = i, approx = true },
      scope = { "soldiers" }, text = string.rep("x", 200) }
end
local data = { parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } },
   sources = { { id = "src", title = "a source" } }, claims = claims }
local db = assert(parley.open(path, { busy_timeout_ms = 20000 }))
local f = io.open(marker, "w") f:write("begin") f:close()
assert(db:import(data, { name = batch }))
f = io.open(marker, "w") f:write("done") f:close()
db:close()
]]

describe("an import interrupted by SIGKILL", function()
   it("leaves the store with all of it or none of it, many times over", function()
      local path = support.tmpname("killed.db")
      assert(parley.open(path)):close()
      local script = support.write(support.tmpname("importer.lua"), IMPORTER)
      local lua = os.getenv("LUA") or "lua5.4"
      local interrupted, completed = 0, 0
      for trial = 1, 12 do
         local marker = support.tmpname("marker")
         local batch = "b" .. trial
         -- wait for the import to begin, then kill after a delay that grows with each trial
         local delay = string.format("%.3f", (trial - 1) * 0.04)
         local cmd = string.format(
            "%s %s %s %s %s %d & pid=$!; " ..
            "while [ ! -s %s ]; do kill -0 $pid 2>/dev/null || break; sleep 0.005; done; " ..
            "sleep %s; kill -9 $pid 2>/dev/null; wait $pid; true",
            lua, script, support.quote(path), batch, support.quote(marker), CLAIMS, support.quote(marker), delay)
         local code, out = support.sh(cmd)
         assert.equal(0, code, out)
         local db = assert(parley.open(path))
         assert.equal("ok", db:first("PRAGMA integrity_check").integrity_check)
         local n = db:first("SELECT count(*) AS n FROM claims WHERE id LIKE ?", batch .. "-%").n
         local imports = db:first("SELECT count(*) AS n FROM imports WHERE name = ?", batch).n
         local finished = support.read(marker) == "done"
         assert.truthy(n == 0 or n == CLAIMS, "partial import: " .. n .. " claims")
         assert.equal(n == CLAIMS and 1 or 0, imports)
         if finished then
            assert.equal(CLAIMS, n)
         end
         if n == 0 then interrupted = interrupted + 1 else completed = completed + 1 end
         db:close()
      end
      -- the delays reach past the end of an import, so both outcomes are seen
      assert.is_true(interrupted > 0, "no import was interrupted")
      assert.is_true(completed > 0, "no import completed")
   end)
end)
