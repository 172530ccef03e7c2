-- SPDX-License-Identifier: MIT
-- parley.rulekit: the helpers the built-in rules share, as a rule of your own would use them.
local parley = require "parley"
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local fixtures = require "fixtures"

describe("parley.rulekit", function()
   it("superseded: the ids a later record supersedes, read from the store", function()
      local ds = fixtures.small()
      ds.claims[#ds.claims + 1] = { id = "arm-200-corrected", claimant = "ARM", source = "s-article",
         as_of = "2021-06", subject = "detainees", holder = "AZE", about = "ARM", count = { best = 180 },
         supersedes = "arm-200" }
      local db = assert(parley.open(":memory:"))
      assert(db:import(ds))
      assert.same({ ["arm-200"] = true }, kit.superseded(db, "claims"))
      assert.same({}, kit.superseded(db, "lists"))
      db:close()
   end)

   it("series: each record certainly after the last one kept; one that can overlap it is left out", function()
      local function claim(id, as_of) return { id = id, as_of_period = assert(dates.parse(as_of)) } end
      local series = kit.series({ claim("may", "2021-05"), claim("june", "2021-06"), claim("mid-june", "2021-06-15"),
         claim("july", "2021-07-01") })
      local ids = {}
      for k, c in ipairs(series) do ids[k] = c.id end
      assert.same({ "may", "june", "july" }, ids)
   end)

   it("group: items by key in their order, nil keys left out, the keys sorted", function()
      local groups, order = kit.group({ "b1", "a1", "x", "b2" }, function(s)
         return s ~= "x" and s:sub(1, 1) or nil
      end)
      assert.same({ "a", "b" }, order)
      assert.same({ a = { "a1" }, b = { "b1", "b2" } }, groups)
   end)

   it("best, say and range: a count's central value, as a reader says it, and as a range", function()
      assert.equal(15, kit.best({ exact = 15 }))
      assert.equal(79, kit.best({ low = 38, high = 120 }))
      assert.equal("~200", kit.say({ best = 200, approx = true }))
      assert.equal("38-120", kit.say({ low = 38, high = 120, best = 60 }))
      assert.equal("at least 100", kit.say({ low = 100 }))
      assert.same({ 200, 100, 300 }, { kit.range({ best = 200, approx = true }, 0.5) })
      assert.same({ 100, 100, math.huge }, { kit.range({ low = 100 }, 0.1) })
      assert.same({ 15, 15, 15 }, { kit.range({ exact = 15 }, 0.1) })
   end)

   it("listing, num and ids: what messages and evidence are made of", function()
      assert.equal("a, b", kit.listing({ "a", "b" }))
      assert.equal("a; b and 1 more", kit.listing({ "a", "b", "c" }, "; ", 2))
      assert.equal("3", kit.num(3.0))
      assert.equal("2.5", kit.num(2.5))
      assert.same({ "a", "b", "c" }, kit.ids({ "c", "a" }, { "b", "a" }))
   end)

   it("count_key: claims about the same subject, holder, about and region share a key", function()
      local a = { subject = "detainees", holder = "AZE", about = "ARM" }
      assert.equal(kit.count_key(a), kit.count_key({ subject = "detainees", holder = "AZE", about = "ARM" }))
      assert.not_equal(kit.count_key(a), kit.count_key({ subject = "detainees", holder = "AZE", about = "ARM",
         region = "Agdam" }))
   end)
end)
