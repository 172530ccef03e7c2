-- SPDX-License-Identifier: MIT
-- An import killed at any point (SIGKILL, as a power cut would) leaves the store without that
-- import or with all of it, never part of it.
local parley = require "parley"
local support = require "support"

-- enough that an import lasts long enough to be killed midway (about 0.3 s here)
local CLAIMS = 4000

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
      -- how long a whole import takes here (sanitizers and valgrind slow it down), so the
      -- kills can be spread from its first moments to past its end
      local code, timing = support.sh(string.format(
         "s=$(date +%%s%%N); %s %s %s b0 %s %d; e=$(date +%%s%%N); echo $(( (e - s) / 1000000 ))",
         lua, script, support.quote(path), support.quote(support.tmpname("marker")), CLAIMS))
      assert.equal(0, code, timing)
      local full = tonumber(timing:match("(%d+)%s*$")) / 1000
      local trials = 12
      local interrupted, completed = 0, 0
      local function trial(batch, delay)
         local marker = support.tmpname("marker")
         local cmd = string.format(
            "%s %s %s %s %s %d & pid=$!; " ..
            "while [ ! -s %s ]; do kill -0 $pid 2>/dev/null || break; sleep 0.005; done; " ..
            -- the delay, cut short when the importer has ended by itself
            "end=$(( $(date +%%s%%N) + %d )); " ..
            "while kill -0 $pid 2>/dev/null && [ $(date +%%s%%N) -lt $end ]; do sleep 0.002; done; " ..
            "kill -9 $pid 2>/dev/null; wait $pid; true",
            lua, script, support.quote(path), batch, support.quote(marker), CLAIMS, support.quote(marker),
            math.floor(delay * 1e9))
         local status, out = support.sh(cmd)
         assert.equal(0, status, out)
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
      -- after the import begins, kill after a delay that grows with each trial
      for t = 1, trials do trial("b" .. t, (t - 1) / (trials - 2) * full * 1.2) end
      -- On a loaded machine an import can take several times as long as the timing run: when
      -- every kill landed before the commit, kill later and later (twice the delay each time,
      -- up to 2^6 times the timing run's; a wait ends when the importer does); when none landed
      -- before it, kill at once. Each extra trial checks the same as the others, and the
      -- outcomes asserted below still have to be seen.
      for extra = 1, 6 do
         if completed > 0 and interrupted > 0 then break end
         trial("x" .. extra, completed == 0 and full * 1.2 * 2 ^ extra or 0)
      end
      -- the delays reach past the end of an import, so both outcomes are seen
      assert.is_true(interrupted > 0, "no import was interrupted")
      assert.is_true(completed > 0, "no import completed")
   end)
end)
