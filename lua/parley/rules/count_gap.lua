-- SPDX-License-Identifier: MIT
-- count_gap: the parties' counts of the same thing (canonical subject, holder, about, region)
-- for periods that can overlap, compared as ranges, like with like: only counts whose
-- canonical scope sets agree (`scopes: same`; or share a tag, `overlap`; or `any`), a count
-- stating no scope with any, and a part of a party's own total (kit.breakdowns) only with a
-- count of its very scope. A gap beyond max_ratio and min_difference is a finding, with both
-- claims and their sources as evidence and the scopes compared in its message and details.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local say, range = kit.say, kit.range

-- The gap between two counts: the larger first, with the ratio of their best values (infinite
-- when the smaller is zero), the difference, and whether their ranges overlap.
local function gap(a, b, margin)
   local best_a, low_a, high_a = range(a.count, margin)
   local best_b, low_b, high_b = range(b.count, margin)
   if best_a < best_b then
      a, b = b, a
      best_a, low_a, high_a, best_b, low_b, high_b = best_b, low_b, high_b, best_a, low_a, high_a
   end
   return a, b, {
      ratio = best_b > 0 and best_a / best_b or math.huge,
      difference = best_a - best_b,
      overlap = low_a <= high_b and low_b <= high_a,
   }
end

local function report(ctx, a, b, g)
   local what = kit.canonical(a).subject .. (a.holder and (" held by " .. a.holder) or "") ..
      (a.about and (", about " .. a.about) or "")
   local scope_a, scope_b = kit.scope_of(a), kit.scope_of(b)
   ctx:finding({
      message = string.format("%s: %s says %s (%s, %s), %s says %s (%s, %s)%s", what, a.claimant, say(a.count),
         a.as_of, kit.scope_words(scope_a), b.claimant, say(b.count), b.as_of, kit.scope_words(scope_b),
         g.ratio == math.huge and "" or string.format(": %.1f times as many", g.ratio)),
      evidence = { claims = { a.id, b.id },
         sources = kit.ids(kit.sources_of(a), kit.sources_of(b)),
         parties = { a.claimant, b.claimant } },
      -- no ratio when the smaller count is zero: it would be infinite
      measures = { ratio = g.ratio ~= math.huge and g.ratio or nil, difference = g.difference,
         overlap = g.overlap and 1 or 0 },
      details = { scopes = ctx.params.scopes, scope_larger = scope_a, scope_smaller = scope_b },
   })
end

-- Whether two counts are of like populations: a part (of its claimant's own total) only with
-- a count of its very scope; else scopes that agree as p.scopes asks, a count stating no
-- scope with any.
local function comparable(mode, a, b)
   if a.part or b.part then
      return not kit.unscoped_part(a) and not kit.unscoped_part(b) and a.scope_key ~= "" and
         a.scope_key == b.scope_key
   end
   if mode == "any" or a.scope_key == "" or b.scope_key == "" or a.scope_key == b.scope_key then return true end
   return mode == "overlap" and kit.scopes_overlap(kit.scope_of(a), kit.scope_of(b))
end

-- Two counts of the same thing, compared as ranges: a gap beyond max_ratio and min_difference
-- is a finding.
local function compare(ctx, a, b)
   local p = ctx.params
   local larger, smaller, g = gap(a, b, p.approx_margin)
   if g.ratio > p.max_ratio and g.difference >= p.min_difference then report(ctx, larger, smaller, g) end
end

-- Each two counts of a group by different claimants, for periods that can overlap (the
-- cheap tests inline). The group is in as_of order (of the first day): the counts after one
-- that begin after its last day cannot overlap it, so the walk stops there.
local function compare_group(ctx, group)
   local mode = ctx.params.scopes
   for i = 1, #group do
      local a = group[i]
      local last = a.as_of_period.last
      for j = i + 1, #group do
         local b = group[j]
         if b.as_of_period.first > last then break end
         if a.claimant ~= b.claimant and dates.overlap(a.as_of_period, b.as_of_period) and comparable(mode, a, b) then
            compare(ctx, a, b)
         end
      end
   end
end

local function run(ctx)
   -- the current counts, grouped by what they count
   local gone = kit.superseded(ctx.db, "claims")
   local counted = {}
   for c in ctx.db:claims() do
      if c.count and not gone[c.id] then
         c.scope_key = kit.scope_key(c)
         counted[#counted + 1] = c
      end
   end
   kit.breakdowns(counted)
   local groups, order = kit.group(counted, kit.count_key)
   for _, key in ipairs(order) do compare_group(ctx, groups[key]) end
end

return {
   id = "count_gap",
   version = "2.0.0",
   description = "Counts of the same subject, holder and about by different parties, for periods that can " ..
      "overlap and of agreeing scopes, that differ beyond a ratio and a difference.",
   severity = "medium",
   params = {
      max_ratio = { type = "number", default = 1.5, min = 1,
         description = "a gap is a larger best count more than this many times the smaller" },
      min_difference = { type = "integer", default = 1, min = 0,
         description = "and at least this much larger" },
      approx_margin = { type = "number", default = 0.1, min = 0, max = 1,
         description = "the range given to an approximate count with no low or high of its own" },
      scopes = { type = "string", default = "same", values = { "same", "overlap", "any" },
         description = "which scopes are compared: the same canonical scope set, sets sharing a tag, or any " ..
            "(a count stating no scope is compared with any; a part of a total only with its very scope)" },
   },
   run = run,
}
