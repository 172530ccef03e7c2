-- SPDX-License-Identifier: MIT
-- bench/gen.lua: a generated dataset imports cleanly, and the built-in rules find exactly the
-- discrepancies planted in it (every one, and nothing else).
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

local generate = dofile(support.top .. "/bench/gen.lua")

local RULES = { "count_gap", "corroboration", "stale_claim", "population_estimate", "scope_mismatch",
   "release_accounting", "list_overlap", "map_completeness", "self_contradiction", "breakdown_sum",
   "unaccounted_persons", "exchange_accounts", "opposing_assertions" }

local function key(rule, evidence)
   local ids = {}
   for _, kind in ipairs({ "claims", "lists", "exchanges" }) do
      for _, id in ipairs(evidence[kind] or {}) do ids[#ids + 1] = kind .. ":" .. id end
   end
   table.sort(ids)
   return rule .. " " .. table.concat(ids, ",")
end

local function reconcile(path)
   local _, _, params = generate(1, 1) -- the parameters the rules are run with on generated data
   local config = { parley = 1, store = path, rules = {} }
   for i, r in ipairs(RULES) do config.rules[i] = { use = r, with = params[r] } end
   local run, err = parley.reconcile(config, { jobs = 2 })
   assert(run, err)
   assert.equal(#RULES, #run.outcomes)
   for _, o in ipairs(run.outcomes) do assert.are_not.equal("error", o.outcome, o.error) end
   return run
end

-- Every planted answer found once, nothing unplanted found; the measures as planted (the
-- population estimate's m only where names are matched exactly). Returns the number planted per
-- rule and the number found per rule and details.kind.
local function compare(run, planted)
   local found = {}
   for _, f in ipairs(run.findings) do
      local k = key(f.rule, f.evidence)
      assert.is_nil(found[k], "found twice: " .. k)
      found[k] = f
   end
   local kinds, sub = {}, {}
   for _, p in ipairs(planted) do
      local k = key(p.rule, p.evidence)
      local f = found[k]
      assert.truthy(f, "planted but not found: " .. k)
      kinds[p.rule] = (kinds[p.rule] or 0) + 1
      local sk = p.rule .. ":" .. tostring(f.details and f.details.kind)
      sub[sk] = (sub[sk] or 0) + 1
      local exact_names = not f.details or not f.details.matching or
         not f.details.matching:find("parley.names", 1, true) or f.details.matching:find("not available", 1, true)
      for name, want in pairs(p.measures or {}) do
         if not (p.rule == "population_estimate" and name == "m" and not exact_names) then
            local got = f.measures and f.measures[name]
            assert.is_number(got, k .. ": no measure " .. name)
            assert.is_true(math.abs(got - want) < 1e-9,
               string.format("%s: measure %s is %s, planted %s", k, name, tostring(got), tostring(want)))
         end
      end
      if p.rule == "population_estimate" then assert.truthy(f.message:find("not independent", 1, true)) end
      found[k] = nil
   end
   local extra = {}
   for k in pairs(found) do extra[#extra + 1] = k end
   table.sort(extra)
   assert.same({}, extra)
   for _, r in ipairs(RULES) do assert.is_true((kinds[r] or 0) > 0, "nothing planted for " .. r) end
   return kinds, sub
end

-- One generated instance, imported and reconciled once for the tests that read it.
local instance
local function generated()
   if instance then return instance end
   local ds, planted = generate(60, 11)
   local path = support.tmpname("gen.db")
   local db = assert(parley.open(path))
   local summary, err = db:import(ds, { name = "generated" })
   assert(summary, err)
   instance = { ds = ds, planted = planted, summary = summary, path = path, db = db }
   instance.run = reconcile(path)
   return instance
end

describe("the dataset generator", function()
   teardown(function()
      if instance then instance.db:close() end
   end)

   it("is deterministic for a seed and differs between seeds", function()
      local a1, p1 = generate(30, 4)
      local a2, p2 = generate(30, 4)
      local b1 = generate(30, 5)
      assert.same(a1, a2)
      assert.same(p1, p2)
      assert.are_not.same(a1, b1)
      assert.has_error(function() generate(0, 1) end)
   end)

   it("makes a dataset that imports whole: lists in three scripts, named releases, mine maps", function()
      local g = generated()
      assert.equal(#g.ds.claims, g.summary.claims)
      assert.equal(#g.ds.lists, g.summary.lists)
      assert.equal(#g.ds.exchanges, g.summary.exchanges)
      local scripts = {}
      for r in g.db:query("SELECT DISTINCT script FROM entries WHERE list IS NOT NULL ORDER BY script") do
         scripts[#scripts + 1] = r.script
      end
      assert.same({ "Armenian", "Cyrillic", "Latin" }, scripts)
      assert.is_true(g.db:first("SELECT count(*) AS n FROM mine_maps").n > 0)
      -- named persons are released, by name and by person id
      assert.is_true(g.db:first("SELECT count(*) AS n FROM entries WHERE transfer IS NOT NULL AND " ..
         "person_given = 0").n > 0)
      assert.is_true(g.db:first("SELECT count(*) AS n FROM entries WHERE transfer IS NOT NULL AND " ..
         "person_given = 1").n > 0)
   end)

   it("plants discrepancies for every built-in rule, and the rules find those and nothing else", function()
      local g = generated()
      local kinds, sub = compare(g.run, g.planted)
      assert.same({ count_gap = 6, corroboration = 12, stale_claim = 6, population_estimate = 6, scope_mismatch = 12,
         release_accounting = 15, list_overlap = 10, map_completeness = 16, self_contradiction = 18,
         breakdown_sum = 6, unaccounted_persons = 1, exchange_accounts = 12, opposing_assertions = 6 }, kinds)
      -- every kind of finding the rules with several make
      assert.same({ count = 6, still_listed = 3, unlisted = 6 }, {
         count = sub["release_accounting:count"], still_listed = sub["release_accounting:still_listed"],
         unlisted = sub["release_accounting:unlisted"] })
      assert.same({ map = 6, coverage = 6, total = 1, incomplete = 3 }, {
         map = sub["map_completeness:map"], coverage = sub["map_completeness:coverage"],
         total = sub["map_completeness:total"], incomplete = sub["map_completeness:incomplete"] })
      assert.same({ denial = 6, reversal = 6, flip = 6 }, { denial = sub["self_contradiction:denial"],
         reversal = sub["self_contradiction:reversal"], flip = sub["self_contradiction:flip"] })
   end)

   it("checks the answers: a finding not planted, or a planted one not found, fails the comparison", function()
      local g = generated()
      for _, r in ipairs(RULES) do
         -- drop the first answer for this rule: its finding is then unexpected
         local fewer, dropped = {}, false
         for _, p in ipairs(g.planted) do
            if p.rule == r and not dropped then dropped = true else fewer[#fewer + 1] = p end
         end
         assert.is_true(dropped)
         assert.has_error(function() compare(g.run, fewer) end)
      end
      -- an answer no rule gives
      local more = { table.unpack(g.planted) }
      more[#more + 1] = { rule = "self_contradiction", evidence = { claims = { "arm-held-1", "aze-held-1" } } }
      assert.has_error(function() compare(g.run, more) end)
      -- a measure other than planted
      local changed, done = {}, false
      for i, p in ipairs(g.planted) do
         changed[i] = p
         if p.rule == "release_accounting" and p.measures and not done then
            done = true
            local m = {}
            for k, v in pairs(p.measures) do m[k] = v end
            m.expected = m.expected + 1
            changed[i] = { rule = p.rule, evidence = p.evidence, measures = m }
         end
      end
      assert.is_true(done)
      assert.has_error(function() compare(g.run, changed) end)
      assert.has_no.errors(function() compare(g.run, g.planted) end)
   end)

   it("writes YAML and the planted answers as a script, and the file gives the same findings", function()
      local out = support.tmpname("gen.yaml")
      local code, text = support.sh(string.format("cd %s && %s bench/gen.lua 20 3 %s", support.quote(support.top),
         os.getenv("LUA") or "lua5.4", support.quote(out)))
      assert.equal(0, code, text)
      local planted = json.decode(support.read(out .. ".answers.json"))
      local _, expected = generate(20, 3)
      assert.same(expected, planted)
      local path = support.tmpname("gen-yaml.db")
      local db = assert(parley.open(path))
      assert(db:import(out))
      db:close()
      compare(reconcile(path), planted)
   end)
end)
