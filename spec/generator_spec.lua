-- bench/gen.lua: a generated dataset imports cleanly, and the built-in rules find exactly the
-- discrepancies planted in it (every one, and nothing else).
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

local generate = dofile(support.top .. "/bench/gen.lua")

local RULES = { "count_gap", "corroboration", "stale_claim", "population_estimate" }

local function key(rule, evidence)
   local ids = {}
   for _, kind in ipairs({ "claims", "lists", "exchanges" }) do
      for _, id in ipairs(evidence[kind] or {}) do ids[#ids + 1] = kind .. ":" .. id end
   end
   table.sort(ids)
   return rule .. " " .. table.concat(ids, ",")
end

local function reconcile(path)
   local config = { parley = 1, store = path, rules = {} }
   for i, r in ipairs(RULES) do config.rules[i] = { use = r } end
   local run, err = parley.reconcile(config, { jobs = 2 })
   assert(run, err)
   for _, o in ipairs(run.outcomes) do assert.are_not.equal("error", o.outcome, o.error) end
   return run
end

-- Every planted answer found, nothing unplanted found; population measures as planted.
local function compare(run, planted)
   local found = {}
   for _, f in ipairs(run.findings) do
      local k = key(f.rule, f.evidence)
      assert.is_nil(found[k], "found twice: " .. k)
      found[k] = f
   end
   local kinds = {}
   for _, p in ipairs(planted) do
      local k = key(p.rule, p.evidence)
      local f = found[k]
      assert.truthy(f, "planted but not found: " .. k)
      kinds[p.rule] = (kinds[p.rule] or 0) + 1
      if p.rule == "population_estimate" then
         assert.equal(p.measures.n1, f.measures.n1, k)
         assert.equal(p.measures.n2, f.measures.n2, k)
         if not f.details or not f.details.matching:find("parley.names", 1, true) or
            f.details.matching:find("not available", 1, true) then
            -- exact name matching finds exactly the planted overlap (a name matcher may find more)
            assert.equal(p.measures.m, f.measures.m, k)
         end
         assert.truthy(f.message:find("not independent", 1, true))
      end
      found[k] = nil
   end
   local extra = {}
   for k in pairs(found) do extra[#extra + 1] = k end
   table.sort(extra)
   assert.same({}, extra)
   for _, r in ipairs(RULES) do assert.is_true((kinds[r] or 0) > 0, "nothing planted for " .. r) end
   return kinds
end

describe("the dataset generator", function()
   it("is deterministic for a seed and differs between seeds", function()
      local a1, p1 = generate(30, 4)
      local a2, p2 = generate(30, 4)
      local b1 = generate(30, 5)
      assert.same(a1, a2)
      assert.same(p1, p2)
      assert.are_not.same(a1, b1)
      assert.has_error(function() generate(0, 1) end)
   end)

   it("plants count gaps, weak sources, stale claims and list pairs the rules find, and nothing else", function()
      local ds, planted = generate(60, 11)
      local path = support.tmpname("gen.db")
      local db = assert(parley.open(path))
      local summary, err = db:import(ds, { name = "generated" })
      assert(summary, err)
      assert.equal(#ds.claims, summary.claims)
      assert.equal(#ds.lists, summary.lists)
      assert.equal(#ds.exchanges, summary.exchanges)
      -- named lists in three scripts, and mine maps, made it into the store
      local scripts = {}
      for r in db:query("SELECT DISTINCT script FROM entries WHERE list IS NOT NULL ORDER BY script") do
         scripts[#scripts + 1] = r.script
      end
      assert.same({ "Armenian", "Cyrillic", "Latin" }, scripts)
      assert.is_true(db:first("SELECT count(*) AS n FROM mine_maps").n > 0)
      db:close()
      local kinds = compare(reconcile(path), planted)
      assert.same({ count_gap = 6, corroboration = 12, stale_claim = 6, population_estimate = 6 }, kinds)
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
