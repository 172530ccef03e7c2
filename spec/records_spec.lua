-- SPDX-License-Identifier: MIT
-- The record readers hand each date field X with its period, X_period: the very table
-- parley.dates.parse gives for its text, built from the precision and first and last day the
-- store keeps, so rules and reports never parse date text again.
local parley = require "parley"
local dates = require "parley.dates"
local fixtures = require "fixtures"

local function first(it, ...)
   return (it(...))
end

describe("record readers: X_period", function()
   local db
   before_each(function()
      db = assert(parley.open(":memory:"))
      local data = fixtures.small()
      data.claims[#data.claims + 1] = { id = "aze-year", claimant = "AZE", source = "s-mfa", as_of = "2021",
         subject = "detainees", holder = "AZE", about = "ARM", count = { exact = 1 } }
      assert(db:import(data))
   end)
   after_each(function() db:close() end)

   local function claim(id) return first(db:claims({ id = id })) end

   it("a claim's as_of for a day, a month, a year and an interval is dates.parse of its text", function()
      for id, text in pairs({ ["aze-60"] = "2021-06-12", ["arm-200"] = "2021-06", ["aze-year"] = "2021",
         ["arm-maps"] = "2020-11/2021-06-11" }) do
         local c = claim(id)
         assert.equal(text, c.as_of)
         assert.same(dates.parse(text), c.as_of_period)
      end
      assert.same({ text = "2020-11/2021-06-11", precision = "range", first = "2020-11-01", last = "2021-06-11" },
         claim("arm-maps").as_of_period)
      assert.same({ text = "2021-06", precision = "month", first = "2021-06-01", last = "2021-06-30" },
         claim("arm-200").as_of_period)
   end)

   it("lists' as_of, exchanges' date, sources' published and mine maps' date_laid", function()
      local l = first(db:lists())
      assert.same(dates.parse("2021-06"), l.as_of_period)
      local x = first(db:exchanges())
      assert.same(dates.parse("2021-06-12"), x.date_period)
      assert.same(dates.parse("1993"), x.transfers[2].mine_maps[1].date_laid_period)
      local published = {}
      for s in db:sources() do published[s.id] = s.published_period end
      assert.same({ ["s-article"] = dates.parse("2021-06"), ["s-mfa"] = dates.parse("2021-06-12") }, published)
   end)

   it("born, a year or a date, on persons and on entries", function()
      local p = first(db:persons({ id = "p-1" }))
      assert.equal(1999, p.born)
      assert.same(dates.parse("1999"), p.born_period)
      local entries = first(db:lists()).persons
      assert.same(dates.parse("1999"), entries[1].born_period)
      assert.same(dates.parse("1990-02-03"), entries[2].born_period)
   end)

   it("a date field left out has no period", function()
      assert(db:import({ sources = { { id = "s-undated", title = "Undated" } } }))
      local s
      for src in db:sources() do if src.id == "s-undated" then s = src end end
      assert.is_nil(s.published)
      assert.is_nil(s.published_period)
      assert.is_nil(first(db:exchanges()).transfers[1].mine_maps)
   end)
end)

describe("record readers: canonical", function()
   local db
   before_each(function()
      db = assert(parley.open(":memory:"))
      local data = fixtures.small()
      data.claims[#data.claims + 1] = { id = "aze-mil", claimant = "AZE", source = "s-mfa", as_of = "2021",
         subject = "detained_persons", holder = "AZE", about = "ARM", count = { exact = 1 },
         scope = { "military", "soldiers", "women" } }
      data.claims[#data.claims + 1] = { id = "aze-rel", claimant = "AZE", source = "s-mfa", as_of = "2020-12-14",
         subject = "pows_released", holder = "AZE", about = "ARM", count = { exact = 12 } }
      assert(db:import(data))
   end)
   after_each(function() db:close() end)

   local function claim(id) return first(db:claims({ id = id })) end

   it("gives a claim's subject and scope through the vocabulary, and keeps what the source said", function()
      local c = claim("aze-mil")
      assert.same({ subject = "detainees", kind = "stock", scope = { "soldiers", "women" } }, c.canonical)
      assert.equal("detained_persons", c.subject)
      assert.same({ "military", "soldiers", "women" }, c.scope)
      assert.same({ subject = "detainees", kind = "stock", scope = { "civilians", "soldiers" } },
         claim("arm-200").canonical)
   end)

   it("reads an event subject as an event, and a claim with no scope as having none (not an empty one)", function()
      assert.same({ subject = "prisoners_of_war_released", kind = "event" }, claim("aze-rel").canonical)
      assert.is_nil(claim("aze-rel").canonical.scope)
   end)

   it("reads through what a later import adds to the vocabulary, on the same connection", function()
      assert.same({ "soldiers", "women" }, claim("aze-mil").canonical.scope)
      assert(db:import({ vocabulary = { scopes = { female_soldiers = {} } }, claims = { { id = "aze-fs",
         claimant = "AZE", source = "s-mfa", as_of = "2021", subject = "detainees", count = { exact = 1 },
         scope = { "female_soldiers", "servicewomen" } } } }))
      assert.same({ "female_soldiers", "servicewomen" }, claim("aze-fs").canonical.scope)
      assert(db:import({ vocabulary = { scopes = { female_soldiers = { synonyms = { "servicewomen" } } } } }))
      assert.same({ "female_soldiers" }, claim("aze-fs").canonical.scope)
   end)

   it("gives lists theirs too", function()
      assert.same({ subject = "detainees", kind = "stock" }, first(db:lists()).canonical)
   end)
end)
