-- SPDX-License-Identifier: MIT
-- bench/rules.lua: every built-in rule over generated datasets of growing size (bench/gen.lua:
-- claims, lists and exchanges all grow with its scale), each rule's time and how it grows,
-- and all the rules together with -j 2 against the import of the same dataset from YAML,
-- measured side by side in one run. Targets (issue 17): every rule n log n or better (its
-- growth exponent between two sizes at most that of n log n, printed beside it), and all the
-- rules with -j 2 on the largest dataset at most 1x its import.
--
-- Each round of a size imports the YAML into a fresh store, runs all the rules with -j 2, then
-- each rule alone (-j 1, its time as the sandbox measures it); min and median over the rounds
-- are printed, the exponents from the minima. The findings are digested (SHA-256 over every
-- finding's rule, severity, message, evidence, measures and details, sorted), so that a change
-- meant to make a rule faster can be shown to give exactly the same findings.
--
-- Environment:
--   BENCH_SCALES="174 1740 17400"  gen.lua scales (units; about 5.75 claims a unit: 1k, 10k
--                                  and 100k claims)
--   BENCH_ROUNDS="3 3 1"           rounds for each scale (the last number for the rest)
--   BENCH_RULES=a,b                only these rules (default: every built-in rule)
--   BENCH_ALONE=0                  skip the rules run one by one (only -j 2 and the import)
local parley = require "parley"
local core = require "parley.core"
local json = require "parley.json"
local yaml = require "parley.yaml"

local ok_system, system = pcall(require, "system")
local clock = ok_system and system.monotime or os.clock

local here = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "bench"
local generate = dofile(here .. "/gen.lua")

local function numbers(s)
   local out = {}
   for n in s:gmatch("%d+") do out[#out + 1] = math.tointeger(n) end
   return out
end

local scales = numbers(os.getenv("BENCH_SCALES") or "174 1740 17400")
local rounds_of = numbers(os.getenv("BENCH_ROUNDS") or "3 3 1")
local alone = os.getenv("BENCH_ALONE") ~= "0"
local rules = {}
if os.getenv("BENCH_RULES") then
   for r in os.getenv("BENCH_RULES"):gmatch("[%w_]+") do rules[#rules + 1] = r end
else
   for i, r in ipairs(require "parley.rules") do rules[i] = r end
end

local LIMITS = { seconds = 7200, instructions = 1000000000000, memory_mb = 8192 }

local function config(store, which)
   local cfg = { parley = 1, store = store, rules = {}, limits = LIMITS }
   for i, r in ipairs(which) do cfg.rules[i] = { use = r } end
   return cfg
end

-- The digest of a run's findings: the same findings (in any order) give the same digest.
local function digest(findings)
   local lines = {}
   for i, f in ipairs(findings) do
      lines[i] = table.concat({ f.rule, f.severity, f.message, json.encode(f.evidence or {}),
         json.encode(f.measures or {}), json.encode(f.details or json.null) }, "\1")
   end
   table.sort(lines)
   return core.sha256(table.concat(lines, "\n")):sub(1, 16)
end

local failed = {} -- the rules that failed (in order) and why ({[rule] = message})

-- Runs rules on a store; the run (not stored), its wall time and the process's CPU time (all
-- threads: os.clock), which a machine shared with other work inflates far less than the wall.
local function reconcile(store, which, jobs)
   local t0, c0 = clock(), os.clock()
   local run = assert(parley.reconcile(config(store, which), { jobs = jobs, store_run = false }))
   local t, c = clock() - t0, os.clock() - c0
   for _, o in ipairs(run.outcomes) do
      -- a rule that fails is said and counted, not a reason to lose the other measurements
      if o.outcome == "error" and not failed[o.rule] then
         failed[o.rule] = o.error
         failed[#failed + 1] = o.rule
         io.stderr:write(string.format("ERROR %s: %s\n", o.rule, tostring(o.error)))
      end
   end
   return run, t, c
end

local function stats(xs)
   local s = { table.unpack(xs) }
   table.sort(s)
   return s[1], s[(#s + 1) // 2]
end

local function log(fmt, ...) io.stderr:write(string.format(fmt, ...), "\n") end

local sizes = {}
for si, scale in ipairs(scales) do
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
   local n_rounds = rounds_of[math.min(si, #rounds_of)]
   local size = { scale = scale, claims = #ds.claims, entries = entries, exchanges = #ds.exchanges,
      records = #ds.claims + entries + #ds.exchanges, import = {}, import_cpu = {}, all = {}, all_cpu = {},
      per = {}, per_cpu = {}, digests = {} }
   ds = nil -- luacheck: ignore 311 (the generated tables are not needed past here)
   collectgarbage()
   for round = 1, n_rounds do
      local store = string.format("%s/store-%d.db", dir, round)
      local t0, c0 = clock(), os.clock()
      local db = assert(parley.open(store))
      assert(db:import(data))
      db:close()
      size.import[round], size.import_cpu[round] = clock() - t0, os.clock() - c0
      local run, t, c = reconcile(store, rules, 2)
      size.all[round], size.all_cpu[round] = t, c
      size.findings = #run.findings
      size.digests[digest(run.findings)] = true
      log("scale %d round %d: import %.2f s (CPU %.2f s), all rules -j 2 %.2f s (CPU %.2f s)", scale, round,
         size.import[round], size.import_cpu[round], t, c)
      if alone then
         for _, rule in ipairs(rules) do
            local one, _, cpu = reconcile(store, { rule }, 1)
            size.per[rule] = size.per[rule] or {}
            size.per[rule][round] = one.outcomes[1].seconds
            size.per_cpu[rule] = size.per_cpu[rule] or {}
            size.per_cpu[rule][round] = cpu
            local d = digest(one.findings)
            size.per[rule].digest = size.per[rule].digest or d
            assert(size.per[rule].digest == d, rule .. ": different findings in two rounds")
            log("  %-20s %8.3f s wall %8.3f s CPU %5d findings  %s", rule, one.outcomes[1].seconds, cpu,
               #one.findings, d)
         end
      end
   end
   local n = 0
   for _ in pairs(size.digests) do n = n + 1 end
   assert(n == 1, "the rules gave different findings in two rounds")
   size.digest = next(size.digests)
   sizes[#sizes + 1] = size
   os.execute("rm -rf " .. dir)
end

-- Growth exponent of t between two sizes n1 < n2, and that of n log n.
local function exponent(t1, t2, n1, n2) return math.log(t2 / t1) / math.log(n2 / n1) end
local function nlogn(n1, n2) return exponent(n1 * math.log(n1), n2 * math.log(n2), n1, n2) end

local W = 22
io.write(string.format("%-20s", "min/median s"))
for _, s in ipairs(sizes) do io.write(string.format("%" .. W .. "s", string.format("%dc/%de/%dx", s.claims, s.entries,
   s.exchanges))) end
io.write("   growth exponents between sizes\n")
io.write(string.format("(columns: claims c / persons on lists e / exchanges x; rounds: %s)\n",
   table.concat((function()
      local out = {}
      for i, s in ipairs(sizes) do out[i] = #s.import end
      return out
   end)(), " ")))
local function row(name, series_of)
   io.write(string.format("%-20s", name))
   local mins = {}
   for i, s in ipairs(sizes) do
      local xs = series_of(s)
      if xs and #xs > 0 then
         local mn, md = stats(xs)
         mins[i] = mn
         io.write(string.format("%" .. W .. "s", string.format("%.3f/%.3f", mn, md)))
      else
         io.write(string.format("%" .. W .. "s", "-"))
      end
   end
   local exps = {}
   for i = 2, #sizes do
      local a, b = mins[i - 1], mins[i]
      local e = a and b and a > 0 and b > 0 and exponent(a, b, sizes[i - 1].records, sizes[i].records)
      exps[#exps + 1] = e and string.format("%.2f", e) or "-"
   end
   io.write("   ", table.concat(exps, " "), "\n")
   return mins
end
io.write("CPU seconds of the process (all threads); each rule alone with -j 1\n")
if alone then
   for _, rule in ipairs(rules) do row(rule, function(s) return s.per_cpu[rule] end) end
end
local all_cpu = row("all rules (-j 2)", function(s) return s.all_cpu end)
local import_cpu = row("import from YAML", function(s) return s.import_cpu end)
io.write("wall seconds (each rule: as its sandbox measures it)\n")
if alone then
   for _, rule in ipairs(rules) do row(rule, function(s) return s.per[rule] end) end
end
local all = row("all rules (-j 2)", function(s) return s.all end)
local import = row("import from YAML", function(s) return s.import end)
local refs = {}
for i = 2, #sizes do refs[#refs + 1] = string.format("%.2f", nlogn(sizes[i - 1].records, sizes[i].records)) end
io.write(string.format("%-20s%s   %s\n", "n log n", string.rep(" ", W * #sizes), table.concat(refs, " ")))
io.write("findings digest:")
for _, s in ipairs(sizes) do io.write(string.format(" %dc %d findings %s;", s.claims, s.findings, s.digest)) end
io.write("\n")
if alone then
   for _, rule in ipairs(rules) do
      io.write(string.format("  %-20s", rule))
      for _, s in ipairs(sizes) do io.write(" ", s.per[rule].digest) end
      io.write("\n")
   end
end
local ratio = all[#sizes] / import[#sizes]
io.write(string.format("all rules (-j 2) / import on the largest, wall, by the minima: %.2fx (target <= 1x) %s\n",
   ratio, ratio <= 1 and "ok" or "MISS"))
io.write(string.format("  (CPU: all rules %.2fx the import's; half that is what two free cores would give)\n",
   all_cpu[#sizes] / import_cpu[#sizes]))
for _, rule in ipairs(failed) do
   io.write(string.format("FAILED %s: %s (its time is to the failure, its findings none)\n", rule, failed[rule]))
end
