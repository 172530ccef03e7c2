-- SPDX-License-Identifier: MIT
-- The cost of reports: a run of 10,000 findings (a synthetic rule pairing the claims of a
-- generated store, as count_gap does, until it has made 10,000 findings) is rendered in each
-- format, from the run in memory and again from the store (parley report). Targets: each
-- format renders in under 5x the time the rules took to produce the findings, and the HTML
-- file stays under 10 MB. Then the HTML report of the nine built-in rules on bench/gen.lua's
-- datasets at scales 50, 200 and 2000: its size, its render time and the time headless
-- Chromium takes to open it and render its first screen, and the growth from scale to scale
-- against the growth of the scale (linear: a ratio near 1), and whether the SARIF report of
-- each (imported from a YAML file, so its results have physical locations) is valid against the
-- official schema. Targets at 2000: under 25 MB, open in under 10 s (the median of 3 openings).
-- Run with `BENCH=report sh tools/bench.sh` after `make`.
local parley = require "parley"
local history = require "parley.history"
local report = require "parley.report"

local FINDINGS = 10000
local SUBJECTS = 40
local CLAIMS = 4000          -- per party, over all subjects
local RUNS = 3
local PARTIES = { "ARM", "AZE", "RUS", "GEO" }

local function now()
   local p = io.popen("date +%s.%N")
   local t = tonumber(p:read("l"))
   p:close()
   return t
end

local function best_of(n, f)
   local best, result = math.huge, nil
   for _ = 1, n do
      local t0 = now()
      result = f()
      local t = now() - t0
      if t < best then best = t end
   end
   return best, result
end

-- A dataset of claims by four parties about SUBJECTS subjects over three years, with
-- sources, quotes and exchanges: what a busy conflict's store holds.
local function dataset()
   local d = { parley = 1, parties = {}, sources = {}, claims = {}, exchanges = {} }
   for _, p in ipairs(PARTIES) do d.parties[#d.parties + 1] = { id = p, name = "Party " .. p, kind = "state" } end
   for i = 1, 60 do
      d.sources[i] = { id = "src-" .. i, title = "Statement number " .. i .. " on the detainees and the maps",
         party = PARTIES[i % #PARTIES + 1], published = string.format("2021-%02d", i % 12 + 1),
         reliability = ({ "A", "B", "C", "D", "E", "F" })[i % 6 + 1], credibility = i % 6 + 1,
         url = "https://example.org/statements/" .. i }
   end
   for _, p in ipairs(PARTIES) do
      for i = 1, CLAIMS do
         local s = (i % SUBJECTS) + 1
         local year, month = 2020 + (i // 12) % 3, i % 12 + 1
         local count = (i % 3 == 0) and { low = 40 + i % 50, high = 150 + i % 70, best = 90 + i % 40 }
            or (i % 3 == 1) and { best = 100 + (i * 7) % 300, approx = true } or { exact = 10 + i % 90 }
         d.claims[#d.claims + 1] = {
            id = string.format("%s-%d", p:lower(), i), claimant = p, source = "src-" .. (i % 60 + 1),
            as_of = string.format("%d-%02d", year, month), subject = "subject-" .. s, holder = "AZE", about = "ARM",
            count = count, scope = { "soldiers", "civilians" },
            text = "The party says that the number held is as stated, according to its statement of that month.",
         }
      end
   end
   for i = 1, 24 do
      d.exchanges[i] = { id = "x-" .. i, date = string.format("%d-%02d-15", 2020 + (i - 1) // 12 % 3, (i - 1) % 12 + 1),
         place = "the border", mediators = { "GEO", "RUS" }, sources = { "src-1" },
         transfers = { { from = "AZE", to = "ARM", detainees = { count = i } },
            { from = "ARM", to = "AZE", mine_maps = { { region = "Region " .. i, mines = 1000 * i } } } } }
   end
   return d
end

-- Pairs the claims of each subject by different parties, as count_gap does (each claim with
-- the next four of its subject), until it has made the findings it is asked for. (It reads
-- ctx.db:claims() without current = true: that filter is quadratic on a store this size.)
local FLOOD_RULE = [[
return { id = "flood", version = "1.0.0", description = "pairs claims of a subject until it has enough",
   params = { findings = { type = "integer", default = 10000 } },
   run = function(ctx)
      local groups, order = {}, {}
      for c in ctx.db:claims() do
         if not groups[c.subject] then groups[c.subject] = {} order[#order + 1] = c.subject end
         table.insert(groups[c.subject], c)
      end
      local n = 0
      for _, s in ipairs(order) do
         local cs = groups[s]
         for i = 1, #cs - 1 do
          for j = i + 1, math.min(i + 4, #cs) do
            local a, b = cs[i], cs[j]
            if a.claimant ~= b.claimant then
               n = n + 1
               if n > ctx.params.findings then return end
               local ca = a.count.exact or a.count.best or a.count.low
               local cb = b.count.exact or b.count.best or b.count.low
               ctx:finding{
                  severity = ({ "info", "low", "medium", "high", "critical" })[n % 5 + 1],
                  message = string.format("%s: %s says %d (%s), %s says %d (%s)", s, a.claimant, ca, a.as_of,
                     b.claimant, cb, b.as_of),
                  evidence = { claims = { a.id, b.id }, sources = { a.source, b.source },
                     parties = { a.claimant, b.claimant } },
                  measures = { ratio = ca / math.max(cb, 1), difference = ca - cb },
               }
            end
          end
         end
      end
   end }
]]

local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p " .. dir)
local store = dir .. "/bench.db"
do
   local db = assert(parley.open(store))
   assert(db:import(dataset()))
   db:close()
end
local f = assert(io.open(dir .. "/flood.lua", "wb"))
f:write(FLOOD_RULE)
f:close()
f = assert(io.open(dir .. "/config.yaml", "wb"))
f:write(string.format("parley: 1\nstore: %s\nrules: [{script: flood.lua, with: {findings: %d}}]\n" ..
   "limits: {findings: %d, seconds: 60, instructions: 2000000000, memory_mb: 512}\n", store, FINDINGS, FINDINGS))
f:close()

-- the rules' time: the rule's own seconds, and the whole reconcile (opening, storing the run)
local run, rule_seconds, reconcile_seconds
for _ = 1, RUNS do
   local t0 = now()
   local r = assert(parley.reconcile(dir .. "/config.yaml", { jobs = 1 }))
   local t = now() - t0
   if not reconcile_seconds or t < reconcile_seconds then reconcile_seconds = t end
   local s = r.outcomes[1].seconds
   if not rule_seconds or s < rule_seconds then rule_seconds = s end
   run = r
end
assert(#run.findings == FINDINGS, "the rule made " .. #run.findings .. " findings")
print(string.format("rule: %d findings in %.3f s (the rule alone; best of %d); reconcile %.3f s", #run.findings,
   rule_seconds, RUNS, reconcile_seconds))

local db = assert(parley.open(store, { readonly = true }))
local failed = false
print(string.format("%-9s %10s %8s %12s %8s %10s %8s", "format", "render s", "x rule", "from store s", "x rule",
   "bytes", "MB"))
for _, format in ipairs(report.formats()) do -- every format there is, a new one too
   local t, text = best_of(RUNS, function() return assert(run:report(format, nil, { db = db })) end)
   local t2 = best_of(RUNS, function()
      local loaded = assert(history.load_run(db, run.id))
      return assert(loaded:report(format, nil, { db = db }))
   end)
   local ratio, ratio2 = t / rule_seconds, t2 / rule_seconds
   print(string.format("%-9s %10.3f %8.2f %12.3f %8.2f %10d %8.2f", format, t, ratio, t2, ratio2, #text,
      #text / 1e6))
   if math.max(ratio, ratio2) >= 5 then
      print(string.format("  FAILED: %s takes %.2fx the rule's time (target < 5x)", format, math.max(ratio, ratio2)))
      failed = true
   end
   if format == "html" then
      print(string.format("html size: %.2f MB for %d findings (target < 10 MB: %.0f%% of it)", #text / 1e6,
         #run.findings, #text / 1e7 * 100))
      if #text >= 10e6 then
         print("  FAILED: the HTML report is 10 MB or more")
         failed = true
      end
   end
end
db:close()

-- The HTML report at bench/gen.lua's scales.
local SCALES = { 50, 200, 2000 }
local SIZE_LIMIT, OPEN_LIMIT = 25e6, 10
local generate = dofile((arg and arg[0] or "bench/report.lua"):gsub("report%.lua$", "gen.lua"))
local chromium
for _, name in ipairs({ "chromium", "chromium-browser", "google-chrome" }) do
   local p = io.popen("command -v " .. name .. " 2>/dev/null")
   chromium = chromium or p:read("l")
   p:close()
end
-- Validates a SARIF file against the vendored official schema (spec/sarif-schema-2.1.0.json)
-- with Debian's python3-jsonschema: "valid", what the validator said, or nil without it.
local top = (arg and arg[0] or "bench/report.lua"):gsub("bench/report%.lua$", "")
if top == "" then top = "." end
local function sarif_validity(path)
   local probe = io.popen("env -u LD_PRELOAD /usr/bin/python3 -c 'import jsonschema' 2>/dev/null && echo yes")
   local has = probe:read("l") == "yes"
   probe:close()
   if not has then return nil end
   local p = io.popen(string.format("env -u LD_PRELOAD /usr/bin/python3 %s/spec/sarif_validate.py " ..
      "%s/spec/sarif-schema-2.1.0.json %s 2>&1", top, top, path))
   local out = p:read("a")
   local ok = p:close()
   return ok and "valid" or out
end

-- Seconds headless Chromium takes to open path and render its first screen (nil without one).
local function open_once(path)
   if not chromium then return nil end
   local t0 = now()
   local ok = os.execute(string.format("env -u LD_PRELOAD timeout 120 %s --headless --no-sandbox --disable-gpu " ..
      "--no-first-run --disable-background-networking --disable-component-update --disable-sync " ..
      "--user-data-dir=%s/profile-%d --window-size=1280,1000 --screenshot=%s.png file://%s >/dev/null 2>&1",
      chromium, dir, math.floor(t0 * 1000) % 100000, path, path))
   local t = now() - t0
   return ok and t or nil
end

-- The opening time over OPENS rounds: min and median (nil when one failed).
local OPENS = 3
local function open_seconds(path)
   local times = {}
   for i = 1, OPENS do
      times[i] = open_once(path)
      if not times[i] then return nil end
   end
   table.sort(times)
   return times[1], times[(OPENS + 1) // 2]
end
print(string.format("\n%-6s %9s %10s %8s %12s %9s %13s %9s %8s", "scale", "findings", "exchanges", "claims",
   "html bytes", "render s", "open s min/md", "x size", "x scale"))
local previous
for _, scale in ipairs(SCALES) do
   local ds = generate(scale, 1)
   local path = string.format("%s/scale-%d.db", dir, scale)
   -- imported from a YAML file, as a dataset is: the SARIF results point at its lines
   local yaml_path = string.format("%s/scale-%d.yaml", dir, scale)
   local yf = assert(io.open(yaml_path, "wb"))
   yf:write(require("parley.yaml").dump(ds))
   yf:close()
   local sdb = assert(parley.open(path))
   assert(sdb:import(yaml_path))
   sdb:close()
   local config = { parley = 1, store = path, rules = {}, limits = { seconds = 600, instructions = 100000000000 } }
   for i, r in ipairs(require "parley.rules") do config.rules[i] = { use = r } end
   local r = assert(parley.reconcile(config, { jobs = 1 }))
   local sdb2 = assert(parley.open(path, { readonly = true }))
   local t, text = best_of(1, function() return assert(r:report("html", nil, { db = sdb2 })) end)
   sdb2:close()
   local html_path = string.format("%s/scale-%d.html", dir, scale)
   local out = assert(io.open(html_path, "wb"))
   out:write(text)
   out:close()
   local open, open_median = open_seconds(html_path)
   local sarif_path = string.format("%s/scale-%d.sarif", dir, scale)
   local sarif_text = assert(r:report("sarif"))
   local _, placed = sarif_text:gsub('"physicalLocation":', "")
   out = assert(io.open(sarif_path, "wb"))
   out:write(sarif_text)
   out:close()
   local validity = sarif_validity(sarif_path)
   local growth, scale_growth = "", ""
   if previous then
      growth = string.format("%.2f", #text / previous.bytes)
      scale_growth = string.format("%.2f", scale / previous.scale)
   end
   print(string.format("%-6d %9d %10d %8d %12d %9.3f %13s %9s %8s", scale, #r.findings, #ds.exchanges, #ds.claims,
      #text, t, open and string.format("%.2f/%.2f", open, open_median) or "-", growth, scale_growth))
   if validity == nil then
      print("  SARIF not validated: no python3 with jsonschema (make deps)")
   elseif validity == "valid" then
      print(string.format("  SARIF (%d results, %d with the dataset line of their evidence) valid against the " ..
         "official 2.1.0 schema", #r.findings, placed))
   else
      print("  FAILED: the SARIF report is not valid against the 2.1.0 schema:\n" .. validity)
      failed = true
   end
   if previous then
      local ratio = (#text / previous.bytes) / (scale / previous.scale)
      print(string.format("  size grew %.2fx for %.2fx the scale: %.2f of linear", #text / previous.bytes,
         scale / previous.scale, ratio))
      if ratio > 1.25 then
         print("  FAILED: the HTML report grows faster than the scale")
         failed = true
      end
   end
   if scale == SCALES[#SCALES] then
      print(string.format("html size at scale %d: %.2f MB (target < %d MB: %.0f%% of it)", scale, #text / 1e6,
         SIZE_LIMIT / 1e6, #text / SIZE_LIMIT * 100))
      if #text >= SIZE_LIMIT then
         print("  FAILED: the HTML report is too big")
         failed = true
      end
      if open then
         print(string.format("opened in Chromium in %.2f s min, %.2f s median of %d (target < %d s: %.0f%% of it)",
            open, open_median, OPENS, OPEN_LIMIT, open_median / OPEN_LIMIT * 100))
         if open_median >= OPEN_LIMIT then
            print("  FAILED: Chromium takes too long to open the HTML report")
            failed = true
         end
      else
         print("no Chromium (or it failed): the opening time is not measured")
      end
   end
   previous = { bytes = #text, scale = scale }
end
os.execute("rm -rf " .. dir)
if failed then os.exit(1) end
