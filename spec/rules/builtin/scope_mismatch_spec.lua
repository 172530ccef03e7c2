-- SPDX-License-Identifier: MIT
-- scope_mismatch finds a group's pairs of totals without walking each two of them (issue 17:
-- the accounts of an exchange are groups of thousands of totals of one period, most of one
-- claimant and one scope): on random groups of counts with overlapping periods, repeated and
-- zero values, approximate counts and ranges, several claimants, scopes (none, nested,
-- disjoint) and parts (part_of and the subset reading), with and without include_unscoped and
-- several min_gap, its findings are those of walking every two totals in as_of order, as the
-- rule did before (the reference below), in the same order.
local rule = require "parley.rules.scope_mismatch"
local kit = require "parley.rulekit"
local dates = require "parley.dates"

-- A claims reader over records made here, in as_of order as db:claims gives them.
local function fake_db(claims)
   table.sort(claims, function(a, b)
      if a.as_of_period.first ~= b.as_of_period.first then return a.as_of_period.first < b.as_of_period.first end
      return a.id < b.id
   end)
   return {
      query = function() return function() return nil end end,
      claims = function()
         local i = 0
         return function()
            i = i + 1
            return claims[i]
         end
      end,
   }
end

-- The rule as it was: every two totals of a group in as_of order, up to the first that
-- begins after the earlier one's last day; {larger, smaller, gap} of each pair reported.
local function reference(claims, p)
   local counted = {}
   for _, c in ipairs(claims) do
      c.tags = kit.scope_of(c)
      c.tagkey = table.concat(c.tags, "\0")
      counted[#counted + 1] = c
   end
   kit.breakdowns(counted)
   local out = {}
   local groups, order = kit.group(counted, kit.count_key)
   for _, key in ipairs(order) do
      local totals = {}
      for _, c in ipairs(groups[key]) do
         if not c.part then totals[#totals + 1] = c end
      end
      for i = 1, #totals do
         local a = totals[i]
         for j = i + 1, #totals do
            local b = totals[j]
            if b.as_of_period.first > a.as_of_period.last then break end
            if a.claimant ~= b.claimant and (p.include_unscoped or (#a.tags > 0 and #b.tags > 0)) and
               a.tagkey ~= b.tagkey and dates.overlap(a.as_of_period, b.as_of_period) then
               local x, y, bx, by = a, b, kit.best(a.count), kit.best(b.count)
               if bx < by or (bx == by and x.id > y.id) then x, y, bx, by = y, x, by, bx end
               if bx - by >= p.min_gap then out[#out + 1] = { x.id, y.id, bx - by } end
            end
         end
      end
   end
   return out
end

local function run(claims, p)
   local found = {}
   local ctx = { db = fake_db(claims), params = p }
   function ctx.finding(_, f)
      found[#found + 1] = { f.evidence.claims[1], f.evidence.claims[2], f.measures.gap }
   end
   rule.run(ctx)
   return found
end

describe("scope_mismatch", function()
   it("reports the pairs that walking every two totals of a group reports, in the same order", function()
      local DATES = { "2021", "2021-03", "2021-06", "2021-06-12", "2021-06-20", "2021-07", "2020-11/2021-02",
         "2022" }
      local SCOPES = { false, { "soldiers" }, { "soldiers" }, { "civilians" }, { "soldiers", "civilians" },
         { "civilians", "women" }, { "women" } }
      local CLAIMANTS = { "ARM", "AZE", "ICRC" }
      local VALUES = { 0, 1, 2, 3, 10, 10, 14, 15, 28, 100, 150, 151, 1000 }
      local GAPS = { 0, 0, 1, 50 }
      local rng = 20261204
      local function random(n)
         rng = (rng * 1103515245 + 12345) % 2147483648
         return (rng >> 16) % n + 1 -- the high bits: the low ones of an LCG repeat soon
      end
      local checked = 0
      for round = 1, 400 do
         local p = { min_gap = GAPS[random(#GAPS)], include_unscoped = random(2) == 1 }
         local claims = {}
         -- some rounds all of one date, so that every two counts can overlap, and some of few
         -- scopes, so that most pairs are of one
         local one_date = round % 4 == 0 and DATES[random(#DATES)]
         local n_scopes = round % 3 == 1 and 2 or #SCOPES
         local n_claimants = random(#CLAIMANTS)
         for i = 1, random(round % 3 == 0 and 150 or 60) do
            local v = VALUES[random(#VALUES)]
            local count
            local shape = random(5)
            if shape == 1 then
               count = { best = v, approx = true }
            elseif shape == 2 then
               count = { low = v, high = v + VALUES[random(#VALUES)] }
            elseif shape == 3 then
               count = { low = v }
            else
               count = { exact = v }
            end
            local as_of = one_date or DATES[random(#DATES)]
            local c = { id = string.format("c%03d-%03d", round, i), claimant = CLAIMANTS[random(n_claimants)],
               subject = random(4) == 1 and "remains" or "detainees", holder = "AZE", about = "ARM",
               as_of = as_of, as_of_period = assert(dates.parse(as_of)), count = count,
               scope = SCOPES[random(n_scopes)] or nil }
            if random(8) == 1 then c.part_of = string.format("c%03d-%03d", round, random(i + 2)) end
            claims[i] = c
         end
         local got = run(claims, p)
         assert.same(reference(claims, p), got, "round " .. round)
         checked = checked + #got
      end
      assert.is_true(checked > 5000, "the rounds report pairs: " .. checked)
   end)
end)
