-- SPDX-License-Identifier: MIT
-- The cost of the rule sandbox: (1) the overhead per rule of a fresh state with its limits,
-- its environment and its read-only connection, running a rule that does nothing; (2) a scan
-- of 100,000 claims through ctx.db:query inside a rule against the same scan through
-- db:query outside, on the same store. Target for (2): inside within 1.3x of outside.
-- Run with `BENCH=engine sh tools/bench.sh` after `make`.
local parley = require "parley"
local core = require "parley.core"
local fixtures = require "fixtures"

local ROWS = 100000
local RUNS = 5

local function best_of(n, f)
   local best = math.huge
   for _ = 1, n do
      local t = f()
      if t < best then best = t end
   end
   return best
end

-- CPU time of the process: with threads=1 the caller only waits while the worker runs.
local function now()
   return os.clock()
end

-- A store with the small fixture plus ROWS copies of one claim.
local function build_store()
   local path = os.tmpname()
   local db = assert(parley.open(path))
   assert(db:import(fixtures.small()))
   assert(db:exec("CREATE TEMP TABLE copies AS SELECT * FROM claims WHERE id = 'aze-60'"))
   while db:first("SELECT count(*) AS n FROM copies").n < ROWS do
      assert(db:exec("INSERT INTO copies SELECT * FROM copies"))
   end
   assert(db:exec("DELETE FROM copies WHERE rowid > ?", ROWS))
   assert(db:exec("UPDATE copies SET id = 'bench-' || rowid, count_best = rowid % 1000"))
   assert(db:exec("INSERT INTO claims SELECT * FROM copies"))
   db:close()
   return path
end

local SCAN = "SELECT id, claimant, subject, count_best FROM claims"

local SCAN_RULE = [[
return { id = "scan", version = "1", run = function(ctx)
   local t0 = os.clock()
   local n, sum = 0, 0
   for row in ctx.db:query("]] .. SCAN .. [[") do
      n = n + 1
      sum = sum + (row.count_best or 0)
   end
   ctx.log(os.clock() - t0, n, sum)
end }
]]

local TRIVIAL_RULE = 'return { id = "trivial", version = "1", run = function(ctx) end }'

local function scan_outside(path)
   local db = assert(parley.open(path, { readonly = true }))
   local t0 = now()
   local n, sum = 0, 0
   for row in db:query(SCAN) do
      n = n + 1
      sum = sum + (row.count_best or 0)
   end
   local t = now() - t0
   db:close()
   return t, n, sum
end

local function scan_inside(path)
   local r = core.run_rules({ { rule_id = "scan", source = SCAN_RULE, store = path } })[1]
   assert(r.outcome == "ok", r.error)
   local t, n, sum = r.log[1]:match("^(%S+)\t(%d+)\t(%d+)$")
   return tonumber(t), tonumber(n), tonumber(sum), r
end

local path = build_store()

-- (1) overhead per rule
local N = 200
local jobs = {}
for i = 1, N do jobs[i] = { rule_id = "trivial", source = TRIVIAL_RULE, store = path } end
local modules = {}
for _, name in ipairs({ "parley.json", "parley.dates", "parley.text", "parley.records" }) do
   local f = assert(io.open(assert(package.searchpath(name, package.path)), "rb"))
   modules[name] = f:read("a")
   f:close()
end
local per_rule = best_of(RUNS, function()
   local t0 = now()
   local results = core.run_rules(jobs, { threads = 1, modules = modules })
   assert(#results == N and results[N].outcome == "ok")
   return (now() - t0) / N
end)
local host_load = best_of(RUNS, function()
   local t0 = now()
   for _ = 1, N do
      local rule = assert(load(TRIVIAL_RULE, "=trivial", "t", {}))()
      rule.run({})
   end
   return (now() - t0) / N
end)
print(string.format("sandbox overhead per rule (new state, limits, env, connection; threads=1): %.3f ms",
   per_rule * 1e3))
print(string.format("  vs load+run of the same rule in the host state: %.4f ms (%.0fx)", host_load * 1e3,
   per_rule / host_load))
local one = core.run_rules({ jobs[1] }, { modules = modules })[1]
print(string.format("  memory of a trivial rule's state: %.0f KiB peak", one.memory_peak / 1024))

-- (2) scan throughput
local outside_n, outside_sum
local outside = best_of(RUNS, function()
   local t, n, sum = scan_outside(path)
   outside_n, outside_sum = n, sum
   return t
end)
local inside_n, inside_sum, last
local inside = best_of(RUNS, function()
   local t, n, sum, r = scan_inside(path)
   inside_n, inside_sum, last = n, sum, r
   return t
end)
assert(inside_n == outside_n and inside_sum == outside_sum, "inside and outside scans disagree")
print(string.format("scan of %d claims: outside %.1f ms (%.0f rows/s), inside %.1f ms (%.0f rows/s)", outside_n,
   outside * 1e3, outside_n / outside, inside * 1e3, inside_n / inside))
print(string.format("  inside/outside ratio: %.2fx (target <= 1.3x) %s", inside / outside,
   inside / outside <= 1.3 and "ok" or "OVER TARGET"))
print(string.format("  the scanning rule: %d instructions counted, %.1f MiB peak, %.1f ms in all", last.instructions,
   last.memory_peak / 1048576, last.seconds * 1e3))
os.remove(path)
