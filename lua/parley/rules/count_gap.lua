-- SPDX-License-Identifier: MIT
-- count_gap: the parties' counts of the same thing (subject, holder, about) for periods that
-- can overlap, compared as ranges. A gap beyond max_ratio and min_difference is a finding,
-- with both claims and their sources as evidence.
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
   local what = a.subject .. (a.holder and (" held by " .. a.holder) or "") ..
      (a.about and (", about " .. a.about) or "")
   ctx:finding({
      message = string.format("%s: %s says %s (%s), %s says %s (%s)%s", what, a.claimant, say(a.count),
         a.as_of, b.claimant, say(b.count), b.as_of,
         g.ratio == math.huge and "" or string.format(": %.1f times as many", g.ratio)),
      evidence = { claims = { a.id, b.id },
         sources = a.source == b.source and { a.source } or { a.source, b.source },
         parties = { a.claimant, b.claimant } },
      -- no ratio when the smaller count is zero: it would be infinite
      measures = { ratio = g.ratio ~= math.huge and g.ratio or nil, difference = g.difference,
         overlap = g.overlap and 1 or 0 },
   })
end

-- Two counts of the same thing, compared as ranges: a gap beyond max_ratio and min_difference
-- is a finding.
local function compare(ctx, a, b)
   local p = ctx.params
   local larger, smaller, g = gap(a, b, p.approx_margin)
   if g.ratio > p.max_ratio and g.difference >= p.min_difference then report(ctx, larger, smaller, g) end
end

-- Each two counts of a group by different claimants, for periods that can overlap (the
-- cheap tests inline: a group of n counts is n(n-1)/2 pairs).
local function compare_group(ctx, group)
   for i = 1, #group do
      local a = group[i]
      for j = i + 1, #group do
         local b = group[j]
         if a.claimant ~= b.claimant and dates.overlap(a.as_of_period, b.as_of_period) then compare(ctx, a, b) end
      end
   end
end

local function run(ctx)
   -- the current counts, grouped by what they count
   local gone = kit.superseded(ctx.db, "claims")
   local groups, order = kit.group(kit.all(ctx.db:claims()), function(c)
      return c.count and not gone[c.id] and kit.count_key(c) or nil
   end)
   for _, key in ipairs(order) do compare_group(ctx, groups[key]) end
end

return {
   id = "count_gap",
   version = "1.0.0",
   description = "Counts of the same subject, holder and about by different parties, for periods that can " ..
      "overlap, that differ beyond a ratio and a difference.",
   severity = "medium",
   params = {
      max_ratio = { type = "number", default = 1.5, min = 1,
         description = "a gap is a larger best count more than this many times the smaller" },
      min_difference = { type = "integer", default = 1, min = 0,
         description = "and at least this much larger" },
      approx_margin = { type = "number", default = 0.1, min = 0, max = 1,
         description = "the range given to an approximate count with no low or high of its own" },
   },
   run = run,
}
