-- SPDX-License-Identifier: MIT
-- bench/rules.lua: every built-in rule over generated datasets of growing size (bench/gen.lua),
-- with the time per rule and how it grows, against the time of importing the same dataset
-- from YAML, measured in the same run. Target: all rules together with -j 2 on the largest
-- dataset take at most 3x the import. BENCH_SCALES="28 280 2800" sets the sizes.
local parley = require "parley"
local yaml = require "parley.yaml"

local ok_system, system = pcall(require, "system")
local clock = ok_system and system.monotime or os.clock

local here = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "bench"
local generate = dofile(here .. "/gen.lua")

local scales = {}
for s in (os.getenv("BENCH_SCALES") or "28 280 2800"):gmatch("%d+") do scales[#scales + 1] = math.tointeger(s) end

local rules = require "parley.rules"
local rows = {}
local base_size, last_ratio
for _, scale in ipairs(scales) do
   local ds = generate(scale, 7)
   local entries = 0
   for _, l in ipairs(ds.lists) do entries = entries + #l.persons end
   local dir = os.tmpname()
   os.remove(dir)
   os.execute("mkdir -p " .. dir)
   local data = dir .. "/data.yaml"
   local f = assert(io.open(data, "wb"))
   f:write(yaml.dump(ds))
   f:close()
   local store = dir .. "/store.db"
   local t0 = clock()
   local db = assert(parley.open(store))
   assert(db:import(data))
   db:close()
   local t_import = clock() - t0
   local cfg = { parley = 1, store = store, rules = {},
      limits = { seconds = 3600, instructions = 100000000000, memory_mb = 4096 } }
   for i, r in ipairs(rules) do cfg.rules[i] = { use = r } end
   t0 = clock()
   local run = assert(parley.reconcile(cfg, { jobs = 2 }))
   local t_rules = clock() - t0
   local per = {}
   for _, o in ipairs(run.outcomes) do
      assert(o.outcome ~= "error", o.rule .. ": " .. tostring(o.error))
      per[o.rule] = o.seconds
   end
   local size = #ds.claims + entries + #ds.exchanges
   rows[#rows + 1] = { scale = scale, claims = #ds.claims, entries = entries, exchanges = #ds.exchanges,
      size = size, per = per, import = t_import, rules = t_rules, findings = #run.findings }
   os.execute("rm -rf " .. dir)
   base_size = base_size or size
   last_ratio = t_rules / t_import
end

io.write(string.format("%-20s", "rule"))
for _, r in ipairs(rows) do
   io.write(string.format("%20s", string.format("%dc/%de/%dx", r.claims, r.entries, r.exchanges)))
end
io.write("   growth, last/first against records\n")
io.write("(columns: claims c / persons on lists e / exchanges x)\n")
for _, rule in ipairs(rules) do
   io.write(string.format("%-20s", rule))
   for _, r in ipairs(rows) do io.write(string.format("%19.3fs", r.per[rule] or 0)) end
   local first, last = rows[1], rows[#rows]
   local t1, t2 = first.per[rule] or 0, last.per[rule] or 0
   io.write(string.format("   x%.0f for x%.0f records\n", t1 > 0 and t2 / t1 or 0, last.size / first.size))
end
io.write(string.format("%-20s", "all rules (-j 2)"))
for _, r in ipairs(rows) do io.write(string.format("%19.3fs", r.rules)) end
io.write("\n")
io.write(string.format("%-20s", "import from YAML"))
for _, r in ipairs(rows) do io.write(string.format("%19.3fs", r.import)) end
io.write("\n")
io.write(string.format("rules / import on the largest: %.2fx (target <= 3x) %s\n", last_ratio,
   last_ratio <= 3 and "ok" or "MISS"))
