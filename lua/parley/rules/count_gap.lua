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
-- cheap tests inline), visited one by one. The group is in as_of order (of the first day): the
-- counts after one that begin after its last day cannot overlap it, so the walk stops there.
-- compare_group walks a group so when it is cheap, or when the group is not in that order.
local function compare_pairwise(ctx, group)
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

-- Whether two best values are a gap beyond max_ratio and min_difference, as gap and compare
-- tell. For a fixed x it is monotone in y on either side of x (the further y is from x, above
-- or below, the larger the ratio and the difference), as kit.far_pairs asks.
local function beyond(x, y, max_ratio, min_difference)
   if x < y then x, y = y, x end
   return (y > 0 and x / y or math.huge) > max_ratio and x - y >= min_difference
end

-- The pairs of compare_pairwise that are gaps, found without visiting the others
-- (kit.far_pairs) when the walk would be long: a group can hold thousands of counts of one
-- period (the accounts of an exchange), most of them of one claimant or alike. The pools are
-- what a count may be compared with (comparable): a part (of its claimant's own total, not
-- unscoped) with the parts and the other counts of its very scope; else the counts of each
-- scope key, and all of them together for the counts stating no scope and for scopes: any.
-- The pairs found are compared in compare_pairwise's order.
local function compare_group(ctx, group)
   local p = ctx.params
   local mode, margin, max_ratio, min_difference = p.scopes, p.approx_margin, p.max_ratio, p.min_difference
   if mode == "overlap" then
      -- scopes_overlap reads the tags, the pools their join: a tag holding the joint would
      -- make two sets of tags one key
      for _, c in ipairs(group) do
         for _, t in ipairs(kit.scope_of(c)) do
            if t:find("\0", 1, true) then return compare_pairwise(ctx, group) end
         end
      end
   end
   local function pools_of(c)
      if c.part then
         if kit.unscoped_part(c) then return {} end
         return { "part\0" .. c.scope_key }
      end
      return { "\0" .. c.scope_key, "all" }
   end
   -- scopes: overlap, a count of each key (for its tags) and the pools of the keys sharing a
   -- tag with a key
   local of_key, sharing = {}, {}
   if mode == "overlap" then
      for _, c in ipairs(group) do
         if not c.part then of_key[c.scope_key] = of_key[c.scope_key] or c end
      end
   end
   local function pools_for(c, names)
      local key = c.scope_key
      if c.part then
         if kit.unscoped_part(c) then return {} end
         return { "part\0" .. key, "\0" .. key }
      end
      if mode == "any" or key == "" then return { "part\0" .. key, "all" } end
      if mode == "same" then return { "part\0" .. key, "\0", "\0" .. key } end
      if not sharing[key] then
         local list = { "part\0" .. key, "\0" }
         local scope = kit.scope_of(c)
         for _, name in ipairs(names) do
            -- the pools of counts that are no parts, of a key stating some scope
            local other = #name > 1 and name:sub(1, 1) == "\0" and name:sub(2)
            if other and (other == key or kit.scopes_overlap(scope, kit.scope_of(of_key[other]))) then
               list[#list + 1] = name
            end
         end
         sharing[key] = list
      end
      return sharing[key]
   end
   local found = kit.far_pairs(group, function(c) return (range(c.count, margin)) end,
      function(x, y) return beyond(x, y, max_ratio, min_difference) end, pools_of, pools_for)
   if not found then return compare_pairwise(ctx, group) end
   for _, f in ipairs(found) do
      local a, b = group[f[1]], group[f[2]]
      -- the tests of compare_pairwise, which the pools answer already
      if a.claimant ~= b.claimant and dates.overlap(a.as_of_period, b.as_of_period) and comparable(mode, a, b) then
         compare(ctx, a, b)
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
