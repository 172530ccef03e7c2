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

   it("room: describes items while their JSON fits the bytes, shared across lists, and counts the rest", function()
      local json = require "parley.json"
      local items = {}
      for i = 1, 100 do items[i] = string.rep("x", 90) .. string.format("%03d", i) end
      local room = kit.room(1000)
      local first, left = room.fit(items, function(s) return { name = s } end)
      assert.truthy(#first > 0 and #first < 100)
      assert.equal(100 - #first, left)
      assert.truthy(#json.encode(first) <= 1000)
      local second, left2 = room.fit(items, function(s) return { name = s } end)
      assert.truthy(#json.encode(first) + #json.encode(second) <= 1000)
      assert.equal(100 - #second, left2)
      local capped, left3 = kit.room().fit(items, function(s) return s end, 5)
      assert.equal(5, #capped)
      assert.equal(95, left3)
   end)

   it("name_keys index: near(key) gives exactly the items whose keys k.near matches", function()
      local keyer = kit.name_keys()
      local idx = keyer.index()
      local written = { "Davit Sargsyan", "Давид Саргсян", "Sargsyan Davit", "Davit Sarkisyan", "Aram Mkrtchyan",
         "Арам Мкрчян", "Aram Mkrtchyan Hovik", "Vahagn Bahrikyan", "Ваган Бахрикян", "Elvin Aliyev", "Elvin Əliyev",
         "Anar Ismayilov", "Zzz Sargsyan", "Davit Sargsyan" }
      local keys = {}
      for i, w in ipairs(written) do
         keys[i] = keyer.key(w)
         idx.add(keys[i], i)
      end
      for _, q in ipairs(written) do
         local want, got = {}, idx.near(keyer.key(q))
         for i, k in ipairs(keys) do if keyer.near(k, keyer.key(q)) then want[#want + 1] = i end end
         table.sort(got)
         assert.same(want, got)
         assert.truthy(#got > 0)
      end
      assert.same({}, idx.near(nil))
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
      -- synonyms share the canonical subject's key
      assert.equal(kit.count_key(a), kit.count_key({ subject = "detained", holder = "AZE", about = "ARM" }))
   end)

   it("canonical: the reader's canonical forms, else the default vocabulary's; no scope reads as none", function()
      local c = { subject = "pows_released", scope = { "military", "civilians", "soldiers" } }
      assert.same({ subject = "prisoners_of_war_released", kind = "event", scope = { "civilians", "soldiers" } },
         kit.canonical(c))
      assert.equal(c.canonical, kit.canonical(c)) -- computed once, kept on the record
      -- a reader's canonical (the store's vocabulary) is used as it is; its absent scope is none
      local given = { subject = "x", canonical = { subject = "detainees", kind = "stock" } }
      assert.same({ subject = "detainees", kind = "stock", scope = {} }, kit.canonical(given))
      assert.equal("", kit.scope_key(given))
      assert.equal("civilians\0soldiers", kit.scope_key(c))
      assert.equal("no scope stated", kit.scope_words({}))
      assert.is_true(kit.scopes_overlap({ "civilians", "soldiers" }, { "soldiers" }))
      assert.is_false(kit.scopes_overlap({ "civilians" }, { "soldiers" }))
   end)

   it("breakdowns: parts by part_of and by the subset reading (same claimant, thing and date)", function()
      local function claim(id, scope, as_of, more)
         local c = { id = id, claimant = "AZE", subject = "missing", about = "AZE", scope = scope,
            as_of_period = assert(dates.parse(as_of or "2007")) }
         for k, v in pairs(more or {}) do c[k] = v end
         return c
      end
      local total = claim("total", { "soldiers", "civilians", "women" })
      local mid = claim("mid", { "soldiers", "civilians" })
      local civ = claim("civ", { "civilians" })
      local declared = claim("declared", { "women" }, "2007-05", { part_of = "total" })
      local unscoped = claim("unscoped", nil, "2007", { part_of = "mid" })
      local other_day = claim("other-day", { "soldiers" }, "2007-05")
      local theirs = claim("theirs", { "soldiers" }, "2007", { claimant = "ARM" })
      -- a part by part_of is a whole by the subset reading too
      local declared2 = claim("declared2", { "civilians", "women" }, "2007-06", { part_of = "total" })
      local sub = claim("sub", { "women" }, "2007-06")
      kit.breakdowns({ total, mid, civ, declared, unscoped, other_day, theirs, declared2, sub })
      assert.equal(declared2, sub.whole)
      assert.equal(total, mid.whole)                -- the smallest superset
      assert.equal(mid, civ.whole)                  -- not total: mid is smaller
      assert.equal(total, declared.whole)           -- part_of, another date within the total's
      assert.equal(mid, unscoped.whole)
      assert.is_nil(other_day.part)                 -- another date: no subset reading
      assert.is_nil(theirs.part)                    -- another claimant
      assert.same({ "mid", "declared", "declared2" }, { total.parts[1].id, total.parts[2].id, total.parts[3].id })
      assert.is_true(kit.unscoped_part(unscoped))   -- says nothing its total does not
      assert.is_false(kit.unscoped_part(civ))
      assert.is_false(kit.unscoped_part(total))
      assert.not_equal(kit.series_key(total), kit.series_key(civ))
   end)

   it("series: records of one date resolved by correction, then by not being a part, never by id", function()
      local function claim(id, as_of, count, more)
         local c = { id = id, as_of_period = assert(dates.parse(as_of)), count = { exact = count } }
         for k, v in pairs(more or {}) do c[k] = v end
         return c
      end
      local function ids_of(series)
         local out = {}
         for k, c in ipairs(series) do out[k] = c.id end
         return out
      end
      -- the correction wins over a record of the same date, whatever their ids
      assert.same({ "a", "z-fix" }, ids_of(kit.series({ claim("a", "2021-01", 5), claim("b", "2021-02", 7),
         claim("z-fix", "2021-02", 6, { supersedes = "old" }) })))
      -- else the one that is not a part
      assert.same({ "z" }, ids_of(kit.series({ claim("a-part", "2021-02", 2, { part = true }),
         claim("z", "2021-02", 9) })))
      -- the same count twice: one date, the smallest id cited
      assert.same({ "b" }, ids_of(kit.series({ claim("c", "2021-02", 4), claim("b", "2021-02", 4) })))
      -- two counts that disagree: the date is left out, and on_tie told
      local told
      local series = kit.series({ claim("a", "2021-01", 5), claim("c", "2021-02", 4), claim("b", "2021-02", 9),
         claim("d", "2021-03", 1) }, function(slot) told = #slot end)
      assert.same({ "a", "d" }, ids_of(series))
      assert.equal(2, told)
   end)
end)

describe("parley.rulekit.sources_of", function()
   it("reads a record's sources, its one source, or a row's sources as the store's JSON text", function()
      assert.same({ "a", "b" }, kit.sources_of({ sources = { "a", "b" } }))
      assert.same({ "a" }, kit.sources_of({ source = "a" }))
      assert.same({ "b", "a" }, kit.sources_of({ source = nil, sources = '["b","a"]' }))
      assert.same({}, kit.sources_of({}))
   end)
end)
