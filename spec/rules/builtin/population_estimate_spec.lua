-- SPDX-License-Identifier: MIT
-- population_estimate through parley.reconcile: the textbook Chapman check on lists built
-- here, the warning every finding carries, "too few to estimate" instead of a number, matching
-- names across scripts through parley.names, and three or more lists by multiple-systems
-- estimation (the R reference counts of fixtures/mse-3-lists.json through the rule; strata).
local parley = require "parley"
local json = require "parley.json"
local mse = require "parley.mse"
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
   local outcome = run.outcomes[1].outcome
   assert.truthy(outcome == "findings" or (outcome == "pass" and #run.findings == 0), run.outcomes[1].error)
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
      assert.equal(20, f.details.matched_by_resolution) -- the resolution of people: ids and names alike
      -- the assumptions, in words: closed population, matching, the parties' lists, two lists
      assert.equal(4, #f.details.assumptions)
      assert.truthy(f.message:find("Assumptions: closed population", 1, true))
      assert.matches("dependence between them cannot be measured", f.details.assumptions[4])
      assert.equal(180, f.measures.observed)
      assert.equal(2, f.measures.lists)
   end)

   it("changes with the overlap as the formula says, and is the same on every run", function()
      for _, case in ipairs({ { 50, 40, 10 }, { 30, 20, 5 }, { 12, 15, 1 } }) do
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
      it("matches names across scripts through the resolution of people, never two different person ids",
         function()
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
         assert.equal(2, f.details.matched_by_resolution)
         assert.matches("parley.people", f.details.matching)
      end)
   end)

   it("says too few to estimate, with no number, below min_persons, with no one on both or one list in the other",
      function()
      for _, case in ipairs({
         { 2, 2, 2, nil, "too few to estimate: fewer than 10 different persons" },
         { 5, 4, 1, nil, "too few to estimate: fewer than 10 different persons" },
         { 30, 20, 0, nil, "no one is on both lists" },
         { 10, 10, 10, nil, "every person on one list is on the other" },
         { 20, 12, 12, nil, "every person on one list is on the other" },
         { 5, 4, 1, { min_persons = 9 }, nil }, -- 8 persons: still too few at 9
         { 5, 4, 1, { min_persons = 8 }, false },
      }) do
         local f = run_on(lists(case[1], case[2], case[3]), case[4])[1]
         local label = table.concat({ case[1], case[2], case[3] }, ",")
         if case[5] == false then
            assert.is_number(f.measures.estimate, label)
            assert.is_nil(f.details.no_estimate)
         else
            assert.is_nil(f.measures.estimate, label)
            assert.is_nil(f.measures.ci_low)
            assert.is_nil(f.measures.ci_high)
            assert.is_nil(f.measures.se)
            assert.equal(case[1] + case[2] - case[3], f.measures.observed)
            local want = case[5] or "too few to estimate"
            assert.truthy(f.details.no_estimate:find(want, 1, true), f.details.no_estimate)
            assert.truthy(f.message:find(want, 1, true), f.message)
            assert.is_nil(f.message:find("interval", 1, true))
            assert.truthy(f.message:find("not independent", 1, true))
         end
      end
   end)

   it("says how it matched the names", function()
      local f = run_on(lists(5, 5, 2))[1]
      assert.matches("parley.names", f.details.matching)
   end)

   describe("with three or more lists", function()
      -- k lists of one population, by claimants[i], with counts[h] persons of capture history h
      -- (bit i-1: on list i), all matched by person id; category(h, c) names the c-th person of
      -- history h's category, when given.
      local function histories_dataset(counts, k, claimants, category)
         local ds = {
            parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" },
               { id = "ICRC", name = "ICRC" } },
            persons = {}, lists = {},
         }
         for i = 1, k do
            ds.lists[i] = { id = "list-" .. i, claimant = claimants[i], holder = "AZE", about = "ARM",
               subject = "detainees", as_of = "2021-06", persons = {} }
         end
         for h = 1, (1 << k) - 1 do
            for c = 1, counts[h] or 0 do
               local id = string.format("p-%d-%d", h, c)
               ds.persons[#ds.persons + 1] = { id = id, names = { id } }
               for i = 1, k do
                  if (h >> (i - 1)) & 1 == 1 then
                     table.insert(ds.lists[i].persons, { person = id, category = category and category(h, c) or nil })
                  end
               end
            end
         end
         return ds
      end

      it("fits the models R fits to the same counts, and averages them", function()
         local R = json.decode(support.read(support.top .. "/spec/rules/builtin/fixtures/mse-3-lists.json"))
         local findings = run_on(histories_dataset(R.counts, 3, { "ARM", "AZE", "ICRC" }))
         assert.equal(1, #findings) -- one estimate of the three lists, not three pairs
         local f = findings[1]
         assert.same({ "list-1", "list-2", "list-3" }, f.evidence.lists)
         assert.same({ "ARM", "AZE", "ICRC" }, f.evidence.parties)
         assert.equal(3, f.measures.lists)
         local n = 0
         for _, c in ipairs(R.counts) do n = n + c end
         assert.equal(n, f.measures.observed)
         local want = {}
         for _, m in ipairs(R.models) do want[m.name] = m end
         assert.equal(8, #f.details.models)
         for _, m in ipairs(f.details.models) do
            for _, key in ipairs({ "estimate", "deviance", "aic", "bic" }) do
               -- relative, or absolute for what R gives as about 0 (the saturated model's deviance)
               local r = want[m.model][key]
               assert.is_true(math.abs(m[key] - r) <= 1e-6 * math.max(math.abs(r), 1e-2), m.model .. " " .. key)
            end
            assert.equal(want[m.model].df, m.df)
         end
         assert.equal(R.chosen, f.details.chosen.model)
         assert.near(R.profile_low, f.details.chosen.ci_low, 1e-6 * R.profile_low)
         assert.near(R.profile_high, f.details.chosen.ci_high, 1e-6 * R.profile_high)
         local direct = mse.estimate(R.counts, 3)
         assert.near(direct.averaged.estimate, f.measures.estimate, 1e-9)
         assert.near(direct.averaged.ci_low, f.measures.ci_low, 1e-9)
         assert.near(direct.averaged.ci_high, f.measures.ci_high, 1e-9)
         assert.equal(R.counts[3], f.details.histories["110"])
         -- the assumptions, in the message and in details: the dependence the chosen model allows
         assert.truthy(f.message:find("closed population", 1, true))
         assert.truthy(f.message:find("dependence of list-1 with list-2", 1, true), f.message)
         assert.truthy(f.message:find("not independent samples", 1, true))
         assert.equal(5, #f.details.assumptions)
         -- with estimate: chosen, the model of least AIC and its profile interval
         local c = run_on(histories_dataset(R.counts, 3, { "ARM", "AZE", "ICRC" }), { estimate = "chosen" })[1]
         assert.near(want[R.chosen].estimate, c.measures.estimate, 1e-6 * c.measures.estimate)
         assert.near(R.profile_low, c.measures.ci_low, 1e-6 * R.profile_low)
      end)

      it("estimates four lists by forward selection, as parley.mse does", function()
         local R = json.decode(support.read(support.top .. "/spec/rules/builtin/fixtures/mse-4-lists.json"))
         local f = run_on(histories_dataset(R.counts, 4, { "ARM", "AZE", "ICRC", "ARM" }))[1]
         assert.equal(4, f.measures.lists)
         assert.equal(R.chosen, f.details.chosen.model)
         assert.near(mse.estimate(R.counts, 4).averaged.estimate, f.measures.estimate, 1e-9)
      end)

      it("reports the lists that cannot be estimated, with no number", function()
         -- list 1 names everyone the others name: nothing measures whom list 1 missed
         local f = run_on(histories_dataset({ 30, 0, 10, 0, 8, 0, 5 }, 3, { "ARM", "AZE", "ICRC" }))[1]
         assert.is_nil(f.measures.estimate)
         assert.is_nil(f.measures.ci_low)
         assert.truthy(f.details.no_estimate:find("every person listed is on list 1", 1, true), f.details.no_estimate)
         assert.truthy(f.message:find("no estimate", 1, true))
         assert.equal(53, f.measures.observed)
         assert.equal(8, #f.details.models)
         -- too few persons
         local few = run_on(histories_dataset({ 2, 2, 1, 1, 1, 1, 1 }, 3, { "ARM", "AZE", "ICRC" }))[1]
         assert.is_nil(few.measures.estimate)
         assert.truthy(few.message:find("too few to estimate", 1, true))
      end)

      it("gives estimates by category with their total, and warns when they disagree with the pooled one", function()
         -- the expected counts of 500 soldiers each list names with chance 0.8 and 2000 civilians
         -- each names with chance 0.2: within a category the lists are independent, pooled they
         -- look dependent, and the pooled estimate (about 4100) is far from the total (2500)
         local soldiers = { 16, 16, 64, 16, 64, 64, 256 }
         local civilians = { 256, 256, 64, 256, 64, 64, 16 }
         local counts = {}
         for h = 1, 7 do counts[h] = soldiers[h] + civilians[h] end
         local f = run_on(histories_dataset(counts, 3, { "ARM", "AZE", "ICRC" }, function(h, c)
            return c <= soldiers[h] and "soldier" or "civilian"
         end))[1]
         assert.equal(2, #f.details.strata)
         local by = {}
         for _, s in ipairs(f.details.strata) do by[s.category] = s end
         assert.near(mse.estimate(civilians, 3).averaged.estimate, by.civilian.estimate, 1e-9)
         assert.near(mse.estimate(soldiers, 3).averaged.estimate, by.soldier.estimate, 1e-9)
         assert.near(by.civilian.estimate + by.soldier.estimate, f.details.stratified_total.estimate, 1e-9)
         assert.truthy(f.message:find("by category civilian", 1, true))
         local t = f.details.stratified_total
         assert.near(2500, t.estimate, 1e-6)
         assert.is_true(t.ci_high < f.measures.ci_low)
         assert.truthy(f.details.heterogeneity:find("disagree beyond their intervals", 1, true))
         assert.truthy(f.message:find("Warning: " .. f.details.heterogeneity, 1, true))
         -- the same persons with no categories: no strata, and why
         local plain = run_on(histories_dataset(counts, 3, { "ARM", "AZE", "ICRC" }))[1]
         assert.is_nil(plain.details.strata)
         assert.equal("not every person listed has a category", plain.details.strata_not_used)
         assert.near(f.measures.estimate, plain.measures.estimate, 1e-9)
         -- a category too small for min_stratum
         local small = run_on(histories_dataset(counts, 3, { "ARM", "AZE", "ICRC" }, function(h, c)
            return c <= soldiers[h] and "soldier" or "civilian"
         end), { min_stratum = 600 })[1]
         assert.is_nil(small.details.strata)
         assert.truthy(small.details.strata_not_used:find("min_stratum", 1, true))
      end)

      it("estimates more than five lists of one population two by two", function()
         local counts = {}
         for h = 1, 63 do counts[h] = 2 end
         local claimants = { "ARM", "AZE", "ARM", "AZE", "ARM", "AZE" }
         local found = run_on(histories_dataset(counts, 6, claimants))
         assert.equal(9, #found) -- the pairs of an ARM and an AZE list
         for _, f in ipairs(found) do
            assert.equal(2, f.measures.lists)
            assert.is_number(f.measures.estimate)
         end
      end)

      it("keeps pairs of lists one claimant drew up, and lists of periods that do not overlap, as before", function()
         -- three lists by one claimant: Chapman for no pair (same claimant), no multiple-list estimate
         local same = run_on(histories_dataset({ 10, 10, 5, 10, 5, 5, 3 }, 3, { "ARM", "ARM", "ARM" }))
         assert.same({}, same)
         -- two of the three lists a month later than the third: no population of three lists
         local ds = histories_dataset({ 10, 10, 5, 10, 5, 5, 3 }, 3, { "ARM", "AZE", "ICRC" })
         ds.lists[3].as_of = "2021-07"
         local found = run_on(ds)
         assert.equal(1, #found)
         assert.same({ "list-1", "list-2" }, found[1].evidence.lists)
         assert.equal(2, found[1].measures.lists)
      end)
   end)
end)
