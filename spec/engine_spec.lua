-- SPDX-License-Identifier: MIT
-- parley.reconcile: runs, stored findings, fingerprints, and rules that fail.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"
local fixtures = require "fixtures"

local EXAMPLE = support.top .. "/examples/caucasus-2021"

-- A directory with a dataset, some rules and a config using them.
local function project(rules, config_rules, extra)
   local dir = support.tmpname("project")
   os.execute("mkdir -p " .. support.quote(dir))
   for name, src in pairs(rules) do support.write(dir .. "/" .. name, src) end
   local yaml = require "parley.yaml"
   support.write(dir .. "/data.yaml", yaml.dump(fixtures.small()))
   local cfg = { parley = 1, store = "store.db", data = { "data.yaml" }, rules = config_rules }
   for k, v in pairs(extra or {}) do cfg[k] = v end
   support.write(dir .. "/config.yaml", yaml.dump(cfg))
   return dir
end

-- A finding's fingerprint as parley defines it (stored runs are matched by it): the rule, and
-- its evidence with each kind's ids sorted, as parley.json encodes it.
local function lua_fingerprint(rule_id, evidence)
   local sorted = {}
   for kind, ids in pairs(evidence) do
      local copy = table.move(ids, 1, #ids, 1, {})
      table.sort(copy)
      sorted[kind] = copy
   end
   return require("parley.core").sha256(rule_id .. "\n" .. json.encode(sorted)):sub(1, 32)
end

local function summary(run)
   local out = {}
   for i, f in ipairs(run.findings) do
      out[i] = table.concat({ f.severity, f.rule, f.fingerprint, f.message, json.encode(f.measures) }, "|")
   end
   return out
end

describe("parley.reconcile", function()
   it("runs the example and finds the gap between the parties' detainee counts", function()
      local run = assert(parley.reconcile(EXAMPLE .. "/reconcile.yaml"))
      local gap
      for _, f in ipairs(run.findings) do
         if f.rule == "count_gap" then gap = f end
      end
      assert.is_table(gap)
      assert.same({ "arm-detainees-held-2021-06", "aze-detainees-held-2021-06" }, gap.evidence.claims)
      assert.same({ "cpc-2021-06-swap" }, gap.evidence.sources)
      assert.near(200 / 60, gap.measures.ratio, 1e-9)
      assert.equal(140, gap.measures.difference)
      -- "about 200" and "around 60" read as +-10% ranges (count_gap's approx_margin) do not meet
      assert.equal(0, gap.measures.overlap)
   end)

   it("gives the same findings with one thread and with several", function()
      local one = assert(parley.reconcile(EXAMPLE .. "/reconcile.yaml", { jobs = 1 }))
      local many = assert(parley.reconcile(EXAMPLE .. "/reconcile.yaml", { jobs = 4 }))
      assert.same(summary(one), summary(many))
   end)

   it("gives a finding the same fingerprint in every run", function()
      local a = assert(parley.reconcile(EXAMPLE .. "/reconcile.yaml"))
      local b = assert(parley.reconcile(EXAMPLE .. "/reconcile.yaml"))
      assert.same(summary(a), summary(b))
   end)

   it("fingerprints a finding by its rule and its evidence, whatever the order of the ids or the message", function()
      local report = "ctx:finding{message = 'first', evidence = {claims = {'a', 'b'}, sources = {'s'}}} " ..
         "ctx:finding{message = 'second', evidence = {sources = {'s'}, claims = {'b', 'a'}}, measures = {n = 1}} " ..
         "ctx:finding{message = 'third', evidence = {claims = {'a'}}}"
      local dir = project({
         ["r.lua"] = "return {id = 'r', version = '1', run = function(ctx) " .. report .. " end}",
         ["s.lua"] = "return {id = 's', version = '1', run = function(ctx) " .. report .. " end}",
      }, { { script = "r.lua" }, { script = "s.lua" } })
      local run = assert(parley.reconcile(dir .. "/config.yaml"))
      local by = {}
      for _, f in ipairs(run.findings) do
         by[f.rule .. " " .. f.message] = f.fingerprint
         assert.equal(lua_fingerprint(f.rule, f.evidence), f.fingerprint)
      end
      assert.equal(by["r first"], by["r second"])
      assert.not_equal(by["r first"], by["r third"])
      assert.not_equal(by["r first"], by["s first"])
      -- the example's findings too, each by parley's definition
      for _, f in ipairs(assert(parley.reconcile(EXAMPLE .. "/reconcile.yaml")).findings) do
         assert.equal(lua_fingerprint(f.rule, f.evidence), f.fingerprint)
      end
   end)

   it("stores each run, its outcomes and findings in the store, append-only", function()
      local dir = project({}, { { use = "count_gap", with = { scopes = "overlap" } } })
      local first = assert(parley.reconcile(dir .. "/config.yaml"))
      local second = assert(parley.reconcile(dir .. "/config.yaml"))
      assert.equal(first.id + 1, second.id)
      local db = assert(parley.open(dir .. "/store.db"))
      assert.equal(2, db:first("SELECT count(*) AS n FROM runs").n)
      assert.equal(#first.findings * 2, db:first("SELECT count(*) AS n FROM findings").n)
      local row = db:first("SELECT * FROM findings WHERE run = ? ORDER BY id", second.id)
      local f = second.findings[1]
      assert.equal(f.fingerprint, row.fingerprint)
      -- stored as the sandbox encoded them, which is what parley.json gives
      assert.same({ json.encode(f.evidence), json.encode(f.measures), f.details and json.encode(f.details) },
         { row.evidence, row.measures, row.details })
      assert.same(f.evidence, json.decode(row.evidence))
      local n, err = db:exec("DELETE FROM findings")
      assert.is_nil(n)
      assert.matches("never changed or removed", err)
      db:close()
   end)

   it("goes on with the other rules when one fails or passes a limit, and says which limit", function()
      local dir = project({
         ["loop.lua"] = "return {id = 'loop', version = '1', run = function() while true do end end}",
         ["boom.lua"] = "return {id = 'boom', version = '1', run = function() error('kaboom') end}",
         ["hog.lua"] = "return {id = 'hog', version = '1', run = function() local t = {} " ..
            "for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end}",
      }, { { script = "loop.lua" }, { script = "boom.lua" }, { script = "hog.lua" },
         { use = "count_gap", with = { scopes = "overlap" } } },
         { limits = { instructions = 5000000, memory_mb = 16, seconds = 120 } })
      local run = assert(parley.reconcile(dir .. "/config.yaml"))
      local by_rule = {}
      for _, o in ipairs(run.outcomes) do by_rule[o.rule] = o end
      assert.equal("error", by_rule.loop.outcome)
      assert.equal("instructions", by_rule.loop.limit)
      assert.equal("error", by_rule.boom.outcome)
      assert.matches("kaboom", by_rule.boom.error)
      assert.equal("error", by_rule.hog.outcome)
      assert.equal("memory", by_rule.hog.limit)
      assert.equal("findings", by_rule.count_gap.outcome)
      assert.equal("failed", run.status)
      assert.is_true(#run.findings > 0)
   end)

   it("checks rule parameters against what the rule declares, before anything runs", function()
      local dir = project({}, { { use = "count_gap", with = { max_ratoi = 2, min_difference = -1 } } })
      local run, err, kind = parley.reconcile(dir .. "/config.yaml")
      assert.is_nil(run)
      assert.equal("input", kind)
      assert.matches("config%.yaml:%d+:%d+: the rule has no parameter 'max_ratoi' %(did you mean 'max_ratio'%?%)", err)
      assert.matches("%-1 is out of range: it must be at least 0 %(at rules%[1%]%.with%.min_difference%)", err)
      -- nothing ran: no store was written
      assert.is_nil(io.open(dir .. "/store.db"))
   end)

   it("refuses two rules with the same id", function()
      local dir = project({}, { { use = "count_gap" }, { use = "count_gap" } })
      local run, err = parley.reconcile(dir .. "/config.yaml")
      assert.is_nil(run)
      assert.matches("rule id 'count_gap' is used twice", err)
   end)

   it("takes the config as a table, and writes the reports it asks for", function()
      local out = support.tmpname("run.jsonl")
      local run = assert(parley.reconcile({
         data = { "dataset.yaml" }, rules = { { use = "count_gap", severity = "high", with = { scopes = "overlap" } } },
         report = { { format = "json", path = out }, { format = "text", path = out .. ".txt" } },
      }, { base = EXAMPLE }))
      assert.equal("high", run.findings[1].severity)
      local lines = {}
      for line in support.read(out):gmatch("[^\n]+") do lines[#lines + 1] = json.decode(line) end
      assert.equal("run", lines[1].type)
      assert.equal("finding", lines[#lines].type)
      assert.matches("%[high%] count_gap", support.read(out .. ".txt"))
      assert.equal(run:report("text"), support.read(out .. ".txt"))
   end)
end)

describe("a rule that floods the run with findings", function()
   it("has them capped at the limit, with the true count kept and said", function()
      local dir = support.tmpname("flood")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/flood.lua", "return {id = 'flood', version = '1', run = function(ctx) " ..
         "for i = 1, 500 do ctx:finding{message = 'n' .. i, evidence = {claims = {'c' .. i}}} end end}")
      support.write(dir .. "/config.yaml", "rules: [{script: flood.lua}]\nlimits: {findings: 20}\n")
      local run = assert(parley.reconcile(dir .. "/config.yaml"))
      assert.equal(20, #run.findings)
      assert.equal(500, run.outcomes[1].total)
      assert.is_true(run.outcomes[1].truncated)
      assert.matches("%[note%] flood: reported 500 findings; the first 20 were kept", run:report("text"))
   end)
end)

describe("a rule using parley.names", function()
   it("can match names inside the sandbox", function()
      local dir = support.tmpname("names-rule")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/same.lua", [[
local names = require "parley.names"
return { id = "same", version = "1", run = function(ctx)
   local ok, score = names.match("Ованес Петросян", "Hovhannes Petrosyan")
   if ok then ctx:finding{ message = "same person", measures = { score = score } } end
end }]])
      support.write(dir .. "/config.yaml", "rules: [{script: same.lua}]\n")
      local run = assert(parley.reconcile(dir .. "/config.yaml"))
      assert.equal("findings", run.outcomes[1].outcome, run.outcomes[1].error)
      assert.is_true(run.findings[1].measures.score > 0.9)
   end)
end)
