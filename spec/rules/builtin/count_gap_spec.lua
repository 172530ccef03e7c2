-- SPDX-License-Identifier: MIT
-- count_gap finds a group's gaps without visiting each two counts of it (issue 17: the
-- accounts of an exchange are groups of thousands of counts of one period): on random groups
-- of counts with overlapping periods, repeated and zero values, approximate counts and ranges,
-- several claimants, scopes (none, nested, disjoint, sharing a tag) and parts (part_of and the
-- subset reading), under each `scopes` mode and several max_ratio and min_difference, its
-- findings are those of visiting every pair in as_of order, as the rule did before (the
-- reference below), in the same order.
local rule = require "parley.rules.count_gap"
local kit = require "parley.rulekit"
local dates = require "parley.dates"
local support = require "support"

-- The rule as it was: every two counts of a group in as_of order, up to the first that
-- begins after the earlier one's last day; {larger, smaller, ratio, difference, overlap} of
-- each gap.
local function reference(claims, p)
   local counted = {}
   for _, c in ipairs(claims) do
      c.scope_key = kit.scope_key(c)
      counted[#counted + 1] = c
   end
   kit.breakdowns(counted)
   local function comparable(a, b)
      if a.part or b.part then
         return not kit.unscoped_part(a) and not kit.unscoped_part(b) and a.scope_key ~= "" and
            a.scope_key == b.scope_key
      end
      if p.scopes == "any" or a.scope_key == "" or b.scope_key == "" or a.scope_key == b.scope_key then return true end
      return p.scopes == "overlap" and kit.scopes_overlap(kit.scope_of(a), kit.scope_of(b))
   end
   local out = {}
   local groups, order = kit.group(counted, kit.count_key)
   for _, key in ipairs(order) do
      local group = groups[key]
      for i = 1, #group do
         local a = group[i]
         for j = i + 1, #group do
            local b = group[j]
            if b.as_of_period.first > a.as_of_period.last then break end
            if a.claimant ~= b.claimant and dates.overlap(a.as_of_period, b.as_of_period) and comparable(a, b) then
               local x, y = a, b
               local bx, lx, hx = kit.range(x.count, p.approx_margin)
               local by, ly, hy = kit.range(y.count, p.approx_margin)
               if bx < by then
                  x, y, bx, lx, hx, by, ly, hy = y, x, by, ly, hy, bx, lx, hx
               end
               local ratio = by > 0 and bx / by or math.huge
               if ratio > p.max_ratio and bx - by >= p.min_difference then
                  out[#out + 1] = { x.id, y.id, ratio ~= math.huge and ratio or nil, bx - by,
                     (lx <= hy and ly <= hx) and 1 or 0 }
               end
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
      found[#found + 1] = { f.evidence.claims[1], f.evidence.claims[2], f.measures.ratio, f.measures.difference,
         f.measures.overlap }
   end
   rule.run(ctx)
   return found
end

describe("count_gap", function()
   it("finds the gaps that visiting every two counts of a group finds, in the same order", function()
      local SCOPES = { false, false, { "soldiers" }, { "civilians" }, { "soldiers", "civilians" },
         { "civilians", "women" }, { "women" } }
      local MODES = { "same", "overlap", "any" }
      local RATIOS = { 1, 1.5, 3 }
      local DIFFERENCES = { 0, 1, 50 }
      local random = support.random(20261204)
      local checked = 0
      for round = 1, 400 do
         local p = { scopes = MODES[random(#MODES)], max_ratio = RATIOS[random(#RATIOS)],
            min_difference = DIFFERENCES[random(#DIFFERENCES)], approx_margin = 0.1 }
         local claims = support.random_counts(random, round, { scopes = SCOPES,
            third = function(v) return { best = v, low = math.max(0, v - 5), high = v + 5 } end })
         local got = run(claims, p)
         assert.same(reference(claims, p), got, "round " .. round)
         checked = checked + #got
      end
      assert.is_true(checked > 5000, "the rounds find gaps: " .. checked)
   end)
end)
