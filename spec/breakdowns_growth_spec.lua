-- SPDX-License-Identifier: MIT
-- kit.breakdowns reads the subset reading off a group's distinct scope sets rather than off
-- every two claims of the group (issue 17: a group of thousands of claims of one date stays
-- n log n): on random groups of claims with repeated, nested, disjoint and empty scopes,
-- part_of (to a claim of the group, to itself, to no claim) and several claimants and dates,
-- it marks exactly the parts and wholes, in the same order, as taking every claim of the
-- group against every other, as kit.breakdowns did before (the reference below).
local kit = require "parley.rulekit"
local dates = require "parley.dates"
local support = require "support"

-- kit.breakdowns as it was: for each claim, every claim of its group for the smallest strict
-- supersets.
local function reference(claims)
   local by_id, groups, order = {}, {}, {}
   for _, c in ipairs(claims) do
      by_id[c.id] = c
      c.part, c.whole, c.wholes, c.parts = nil, nil, nil, nil
   end
   local function link(c, w)
      c.part = true
      c.wholes = c.wholes or {}
      c.wholes[#c.wholes + 1] = w
      w.parts = w.parts or {}
      w.parts[#w.parts + 1] = c
   end
   for _, c in ipairs(claims) do
      local w = c.part_of and by_id[c.part_of]
      if w and w ~= c then link(c, w) end
      if c.as_of_period then
         local key = table.concat({ c.claimant, kit.count_key(c), c.as_of_period.first or "",
            c.as_of_period.last or "" }, "\1")
         local g = groups[key]
         if not g then
            g = {}
            groups[key] = g
            order[#order + 1] = g
         end
         g[#g + 1] = c
      end
   end
   for _, g in ipairs(order) do
      for _, c in ipairs(g) do
         local scope, best = not c.part_of and kit.scope_of(c) or {}, nil
         for _, w in ipairs(g) do
            if kit.strict_subset(scope, kit.scope_of(w)) then
               local n = #kit.scope_of(w)
               if not best or n < best then best = n end
            end
         end
         if best then
            for _, w in ipairs(g) do
               if #kit.scope_of(w) == best and kit.strict_subset(scope, kit.scope_of(w)) then link(c, w) end
            end
         end
      end
   end
   local position = {}
   for i, c in ipairs(claims) do
      position[c] = i
      if c.wholes and #c.wholes == 1 then c.whole = c.wholes[1] end
   end
   for _, c in ipairs(claims) do
      if c.parts then table.sort(c.parts, function(x, y) return position[x] < position[y] end) end
   end
end

-- The marks on the claims, by id: {part, whole, wholes, parts}.
local function marks(claims)
   local function ids(list)
      if not list then return nil end
      local out = {}
      for i, c in ipairs(list) do out[i] = c.id end
      return out
   end
   local out = {}
   for _, c in ipairs(claims) do
      out[c.id] = { part = c.part, whole = c.whole and c.whole.id, wholes = ids(c.wholes), parts = ids(c.parts) }
   end
   return out
end

describe("kit.breakdowns", function()
   it("marks the parts and wholes that taking every two claims of a group marks", function()
      local TAGS = { "soldiers", "civilians", "women", "children" }
      local DATES = { "2021", "2021-03", "2021-06-12" }
      local CLAIMANTS = { "ARM", "AZE" }
      local random = support.random(20261204)
      local linked = 0
      for round = 1, 400 do
         local claims = {}
         -- a few scope sets a round, so that many claims share one
         local sets, n_sets = {}, random(6)
         for s = 1, n_sets do
            local scope = {}
            for _, t in ipairs(TAGS) do
               if random(2) == 1 then scope[#scope + 1] = t end
            end
            sets[s] = random(8) > 1 and scope or false -- false: no scope stated
         end
         for i = 1, random(round % 5 == 0 and 120 or 30) do
            local c = { id = string.format("c%03d-%03d", round, i), subject = "missing", about = "AZE",
               claimant = CLAIMANTS[random(round % 2 == 0 and 1 or 2)],
               as_of_period = assert(dates.parse(DATES[random(round % 3 == 0 and 1 or #DATES)])) }
            c.scope = sets[random(n_sets)] or nil
            if random(6) == 1 then
               -- to a claim before or after it, to itself, or to none
               c.part_of = string.format("c%03d-%03d", round, random(i + 3))
            end
            claims[i] = c
         end
         reference(claims)
         local want = marks(claims)
         kit.breakdowns(claims)
         local got = marks(claims)
         assert.same(want, got, "round " .. round)
         for _, m in pairs(got) do
            if m.wholes then linked = linked + #m.wholes end
         end
      end
      assert.is_true(linked > 1000, "the rounds link parts: " .. linked)
   end)
end)
