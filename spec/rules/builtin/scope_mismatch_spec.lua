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
local support = require "support"

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
   local ctx = { db = support.claims_db(claims), params = p }
   function ctx.finding(_, f)
      found[#found + 1] = { f.evidence.claims[1], f.evidence.claims[2], f.measures.gap }
   end
   rule.run(ctx)
   return found
end

describe("scope_mismatch", function()
   it("reports the pairs that walking every two totals of a group reports, in the same order", function()
      local SCOPES = { false, { "soldiers" }, { "soldiers" }, { "civilians" }, { "soldiers", "civilians" },
         { "civilians", "women" }, { "women" } }
      local GAPS = { 0, 0, 1, 50 }
      local random = support.random(20261204)
      local checked = 0
      for round = 1, 400 do
         local p = { min_gap = GAPS[random(#GAPS)], include_unscoped = random(2) == 1 }
         -- some rounds of few scopes, so that most pairs are of one
         local claims = support.random_counts(random, round, { scopes = SCOPES,
            n_scopes = round % 3 == 1 and 2 or #SCOPES, third = function(v) return { low = v } end })
         local got = run(claims, p)
         assert.same(reference(claims, p), got, "round " .. round)
         checked = checked + #got
      end
      assert.is_true(checked > 5000, "the rounds report pairs: " .. checked)
   end)
end)
