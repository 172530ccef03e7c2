-- SPDX-License-Identifier: MIT
-- list_overlap walks a group's lists skipping each run of one claimant's lists at once, and
-- looks at the uncertain pairs between two lists only (issue 17: a group can hold thousands of
-- one claimant's lists whose periods overlap, and a list uncertain pairs with many others): on
-- random stores of lists of several claimants, subjects and overlapping periods, with names
-- spelt alike enough to be uncertain pairs, its findings are those of walking every two lists
-- of a group and scanning every uncertain pair of the store for each, as the rule did before
-- (the reference below), in the same order.
local parley = require "parley"
local people = require "parley.people"
local kit = require "parley.rulekit"
local dates = require "parley.dates"
local rule = require "parley.rules.list_overlap"
local support = require "support"

-- For each two lists the rule reports, in the order it reports them: their ids and the
-- uncertain pairs for review between them ({left, right} as shown), as the rule was.
local function reference(db)
   local gone = kit.superseded(db, "lists")
   local groups, order = kit.group(kit.all(db:lists()), function(l)
      if gone[l.id] then return nil end
      return kit.canonical(l).subject .. "\0" .. (l.holder or "")
   end)
   local resolution = people.resolution(db, {})
   local out = {}
   for _, key in ipairs(order) do
      local lists = groups[key]
      for i = 1, #lists do
         local a = lists[i]
         for j = i + 1, #lists do
            local b = lists[j]
            if b.as_of_period.first > a.as_of_period.last then break end
            if a.claimant ~= b.claimant and dates.overlap(a.as_of_period, b.as_of_period) then
               -- every uncertain pair of the store with an entry on each list, in the
               -- resolution's order, then strongest first (the entries here are all unmatched
               -- or not: the rule leaves out those matched, which the resolution tells alike)
               local left, right = {}, {}
               for k in ipairs(a.persons) do left[a.id .. "#" .. k] = true end
               for k in ipairs(b.persons) do right[b.id .. "#" .. k] = true end
               local right_of, matched_left, used_right = {}, {}, {}
               for k in ipairs(b.persons) do
                  local who = resolution.by_entry[b.id .. "#" .. k]
                  if who and not right_of[who] then right_of[who] = b.id .. "#" .. k end
               end
               for k in ipairs(a.persons) do
                  local id = a.id .. "#" .. k
                  local who = resolution.by_entry[id]
                  local other = who and right_of[who]
                  if other and not used_right[other] then
                     used_right[other] = true
                     matched_left[id] = true
                  end
               end
               local review = {}
               for _, u in ipairs(resolution.uncertain) do
                  local l, r = left[u.a] and u.a, right[u.b] and u.b
                  if not l then l, r = left[u.b] and u.b, right[u.a] and u.a end
                  if l and r and not matched_left[l] and not used_right[r] then
                     review[#review + 1] = { left = { id = l }, right = { id = r }, score = u.score }
                  end
               end
               table.sort(review, function(x, y)
                  if x.score ~= y.score then return x.score > y.score end
                  return x.left.id < y.left.id
               end)
               local pairs_shown = {}
               for k, p in ipairs(review) do pairs_shown[k] = { p.left.id, p.right.id } end
               out[#out + 1] = { a.id, b.id, pairs_shown }
            end
         end
      end
   end
   return out
end

local function run(db)
   local found = {}
   local params = {}
   for k, p in pairs(rule.params) do params[k] = p.default end
   local ctx = { db = db, params = params }
   function ctx.finding(_, f)
      local pairs_shown = {}
      for k, p in ipairs(f.details.review) do pairs_shown[k] = { p.left, p.right } end
      found[#found + 1] = { f.evidence.lists[1], f.evidence.lists[2], pairs_shown }
   end
   rule.run(ctx)
   return found
end

describe("list_overlap", function()
   it("reports the lists and pairs for review that walking every two lists of a group reports", function()
      local NAMES = { "Armen Petrosyan", "Armen Petrosian", "Arman Petrosyan", "Hovhannes Sargsyan",
         "Hovannes Sargsian", "Ovanes Sarkisyan", "Gor Hakobyan", "Gor Akopyan", "Davit Grigoryan",
         "David Grigorian", "Narek Avetisyan", "Narek Avetisian" }
      local DATES = { "2021", "2021-03", "2021-06", "2021-06-12", "2020-11/2021-02", "2022" }
      local CLAIMANTS = { "ARM", "AZE", "ICRC" }
      local random = support.random(20261204)
      local reported, reviewed = 0, 0
      for round = 1, 100 do
         local ds = { parley = 1, sources = { { id = "src", title = "lists" } }, parties = {}, lists = {} }
         for k, c in ipairs(CLAIMANTS) do ds.parties[k] = { id = c, name = c } end
         -- some rounds mostly of one claimant, so that its runs are long
         local heavy = round % 2 == 0
         for i = 1, random(30) do
            local l = { id = string.format("l%02d-%02d", round, i), source = "src", holder = "AZE", about = "ARM",
               claimant = heavy and random(4) > 1 and "ARM" or CLAIMANTS[random(#CLAIMANTS)],
               subject = random(5) == 1 and "remains" or "detainees",
               as_of = round % 3 == 0 and "2021" or DATES[random(#DATES)], persons = {} }
            for k = 1, random(4) do l.persons[k] = { name = NAMES[random(#NAMES)], born = 1980 + random(3) } end
            ds.lists[i] = l
         end
         local db = assert(parley.open(":memory:"))
         assert(db:import(ds))
         local want = reference(db)
         local got = run(db)
         db:close()
         assert.same(want, got, "round " .. round)
         reported = reported + #got
         for _, f in ipairs(got) do reviewed = reviewed + #f[3] end
      end
      assert.is_true(reported > 2000, "the rounds report lists: " .. reported)
      assert.is_true(reviewed > 200, "the rounds have pairs for review: " .. reviewed)
   end)
end)
