-- SPDX-License-Identifier: MIT
-- population_estimate through parley.reconcile: the textbook Chapman check on lists built
-- here, the warning every finding carries, and matching names across scripts through
-- parley.names.
local parley = require "parley"
local support = require "support"

-- Two lists of n1 and n2 persons, m of them on both (by person id), the rest named inline.
local function lists(n1, n2, m)
   local ds = {
      parley = 1,
      parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } },
      sources = { { id = "arm-src", title = "Armenian list", party = "ARM" } },
      persons = {},
   }
   local a = { id = "arm", claimant = "ARM", source = "arm-src", holder = "AZE", about = "ARM",
      subject = "detainees", as_of = "2021-06", persons = {} }
   local b = { id = "aze", claimant = "AZE", holder = "AZE", about = "ARM", subject = "detainees",
      as_of = "2021-06-12", persons = {} }
   for i = 1, m do
      local id = string.format("p-%03d", i)
      ds.persons[#ds.persons + 1] = { id = id, names = { "Shared " .. i } }
      a.persons[#a.persons + 1] = { person = id, name = "Shared " .. i }
      b.persons[#b.persons + 1] = { person = id }
   end
   for i = m + 1, n1 do a.persons[#a.persons + 1] = { name = "Armenian-listed " .. i } end
   for i = m + 1, n2 do b.persons[#b.persons + 1] = { name = "Azerbaijani-listed " .. i } end
   ds.lists = { a, b }
   return ds
end

local function run_on(ds, with)
   local path = support.tmpname("store.db")
   local db = assert(parley.open(path))
   assert(db:import(ds))
   db:close()
   local config = { parley = 1, store = path, rules = { { use = "population_estimate", with = with } } }
   local run, err = parley.reconcile(config, { jobs = 1 })
   assert(run, err)
   assert.equal("findings", run.outcomes[1].outcome, run.outcomes[1].error)
   return run.findings
end

describe("population_estimate", function()
   it("gives the textbook value: n1 = n2 = 100, m = 20 -> N = 484.76, SE about 82.0", function()
      local findings = run_on(lists(100, 100, 20))
      assert.equal(1, #findings)
      local f = findings[1]
      assert.equal("info", f.severity)
      assert.same({ "arm", "aze" }, f.evidence.lists)
      assert.same({ "arm-src" }, f.evidence.sources)
      assert.equal(100, f.measures.n1)
      assert.equal(100, f.measures.n2)
      assert.equal(20, f.measures.m)
      assert.near(484.76, f.measures.estimate, 0.005)
      assert.near(82.0, f.measures.se, 0.05)
      assert.near(484.76 - 1.96 * 82.03, f.measures.ci_low, 0.05)
      assert.near(484.76 + 1.96 * 82.03, f.measures.ci_high, 0.05)
      -- the independence warning, in the message and in details
      assert.matches("not independent", f.details.warning)
      assert.truthy(f.message:find(f.details.warning, 1, true))
      assert.equal(20, f.details.matched_by_id)
      assert.equal(0, f.details.matched_by_name)
   end)

   it("changes with the overlap as the formula says, and is the same on every run", function()
      for _, case in ipairs({ { 50, 40, 10 }, { 10, 10, 10 }, { 30, 20, 0 } }) do
         local n1, n2, m = case[1], case[2], case[3]
         local f = run_on(lists(n1, n2, m))[1]
         local N = (n1 + 1) * (n2 + 1) / (m + 1) - 1
         local var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ^ 2 * (m + 2))
         assert.near(N, f.measures.estimate, 1e-9)
         assert.near(math.sqrt(var), f.measures.se, 1e-9)
         assert.equal(m, f.measures.m)
         assert.is_true(f.measures.ci_low >= n1 + n2 - m)
         local again = run_on(lists(n1, n2, m))[1]
         assert.same(f, again)
      end
   end)

   describe("with parley.names", function()
      it("matches names across scripts through link(), never two different person ids", function()
         local ds = {
            parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } },
            persons = { { id = "x1", names = { "Aram Sargsyan" } }, { id = "x2", names = { "Арам Саргсян" } } },
            lists = {
               { id = "l1", claimant = "ARM", subject = "detainees", as_of = "2021",
                  persons = { { name = "Hovhannes Petrosyan" }, { name = "Elvin Hasanov" },
                     { person = "x1", name = "Aram Sargsyan" }, { name = "Karen Hakobyan" } } },
               { id = "l2", claimant = "AZE", subject = "detainees", as_of = "2021",
                  persons = { { name = "Ованес Петросян" }, { name = "Гасанов Эльвин" },
                     { person = "x2", name = "Арам Саргсян" } } },
            },
         }
         local f = run_on(ds)[1]
         assert.equal(2, f.measures.m)
         assert.equal(2, f.details.matched_by_name)
         assert.matches("parley.names", f.details.matching)
      end)
   end)

   it("says how it matched the names", function()
      local f = run_on(lists(5, 5, 2))[1]
      assert.matches("parley.names", f.details.matching)
   end)
end)
