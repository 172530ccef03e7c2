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
-- or below, the larger the ratio and the difference), which the search below relies on.
local function beyond(x, y, max_ratio, min_difference)
   if x < y then x, y = y, x end
   return (y > 0 and x / y or math.huge) > max_ratio and x - y >= min_difference
end

-- A sparse table over a pool's counts (positions 1..m, values v) for the highest value of a
-- range whose claimant is not a given one: each range of 2^L positions from p keeps top[L][p],
-- its highest position, and second[L][p], the highest of a claimant other than top's (nil when
-- there is none): of two halves' tops and seconds, the union's second is the other half's top
-- when its claimant is not the union top's, else that half's second, or this half's second.
local function sparse(m, v, claimant)
   local top, second = { {} }, { {} }
   for p = 1, m do top[1][p] = p end
   local function combine(t1, s1, t2, s2)
      local t, x, y = t1, s1
      if v[t2] > v[t1] then
         t, x = t2, s2
         if claimant[t1] ~= claimant[t2] then y = t1 else y = s1 end
      elseif claimant[t2] ~= claimant[t1] then
         y = t2
      else
         y = s2
      end
      if x and y then
         if v[y] > v[x] then x = y end
      else
         x = x or y
      end
      return t, x
   end
   local width, level = 1, 1
   while 2 * width <= m do
      local t0, s0, t1, s1 = top[level], second[level], {}, {}
      for p = 1, m - 2 * width + 1 do
         t1[p], s1[p] = combine(t0[p], s0[p], t0[p + width], s0[p + width])
      end
      level, width = level + 1, 2 * width
      top[level], second[level] = t1, s1
   end
   -- the highest position in l..r (l <= r) of a claimant other than who
   return function(l, r, who)
      local lv, w = 1, 1
      while 2 * w <= r - l + 1 do lv, w = lv + 1, 2 * w end
      local t, s = combine(top[lv][l], second[lv][l], top[lv][r - w + 1], second[lv][r - w + 1])
      if claimant[t] ~= who then return t end
      return s
   end
end

-- A pool: some of a group's counts (in the group's order), searchable by index and by value.
local function new_pool() return { index = {}, best = {}, claimant = {} } end

local function add(pool, i, c, best)
   local m = #pool.index + 1
   pool.index[m], pool.best[m], pool.claimant[m] = i, best, c.claimant
end

-- The pool's tables, built when it is first searched: the highest, and the lowest (the
-- highest of the values negated, which orders them exactly in reverse).
local function ready(pool)
   local best, m = pool.best, #pool.index
   local negated = {}
   for x = 1, m do negated[x] = -best[x] end
   pool.highest = sparse(m, best, pool.claimant)
   pool.lowest = sparse(m, negated, pool.claimant)
end

-- The first position of a sorted list whose value is above v (#list + 1 when none is).
local function above(list, v)
   local lo, hi = 1, #list + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if list[mid] > v then hi = mid else lo = mid + 1 end
   end
   return lo
end

-- Appends to found (as i * stride + j) every count j of the pool after group index i and up
-- to group index k whose claimant is not who and whose best value is beyond best_i: the best
-- (highest, then lowest) of a range that is not beyond means none of it is, else it is found
-- and the range on each side of it searched, so a search costs its findings, not its range.
local function search(pool, i, k, who, best_i, p, found, stride)
   local l, r = above(pool.index, i), above(pool.index, k) - 1
   if l > r then return end
   if not pool.highest then ready(pool) end
   local best, index = pool.best, pool.index
   for side = 1, 2 do
      local find = side == 1 and pool.highest or pool.lowest
      local stack, n = { l, r }, 2
      while n > 0 do
         local lo, hi = stack[n - 1], stack[n]
         n = n - 2
         local x = lo <= hi and find(lo, hi, who)
         -- the values equal to best_i are the highest search's
         if x and (side == 1 and best[x] >= best_i or side == 2 and best[x] < best_i) and
            beyond(best_i, best[x], p.max_ratio, p.min_difference) then
            found[#found + 1] = i * stride + index[x]
            stack[n + 1], stack[n + 2], stack[n + 3], stack[n + 4] = lo, x - 1, x + 1, hi
            n = n + 4
         end
      end
   end
end

-- The pairs of compare_pairwise that are gaps, found without visiting the others: a group can
-- hold thousands of counts of one period (the accounts of an exchange), most of them of one
-- claimant or alike. Counts go into pools by what they can be compared with (comparable): a
-- part (of its claimant's own total, not unscoped) with the parts and the other counts of its
-- very scope; else counts by scope key, and all of them together (the counts stating no scope,
-- and scopes: any, compare with every count that is not a part). Each count searches the pools
-- of what it is comparable with, disjoint, for the later counts of its period's reach (as_of
-- order: up to the last that begins by its last day) beyond its best value; the pairs found are
-- compared in compare_pairwise's order.
local function compare_group(ctx, group)
   local p = ctx.params
   local mode = p.scopes
   local n = #group
   local firsts = {}
   for i, c in ipairs(group) do
      firsts[i] = c.as_of_period.first
      if i > 1 and firsts[i] < firsts[i - 1] then return compare_pairwise(ctx, group) end
   end
   -- each count's reach (the last count that begins by its last day); a walk of at most a few
   -- pairs a count is cheaper than the pools
   local reach, walk = {}, 0
   for i, c in ipairs(group) do
      reach[i] = above(firsts, c.as_of_period.last) - 1
      if reach[i] > i then walk = walk + reach[i] - i end
   end
   if walk <= 8 * n then return compare_pairwise(ctx, group) end
   local parts, whole, all, keys = {}, {}, new_pool(), {}
   local best = {}
   for i, c in ipairs(group) do
      best[i] = (range(c.count, p.approx_margin))
      local key = c.scope_key
      if c.part then
         if not kit.unscoped_part(c) then
            parts[key] = parts[key] or new_pool()
            add(parts[key], i, c, best[i])
         end
      else
         if not whole[key] then
            whole[key] = new_pool()
            keys[#keys + 1] = key
         end
         add(whole[key], i, c, best[i])
         add(all, i, c, best[i])
         -- scopes_overlap reads the tags, the pools their join: a tag holding the joint
         -- would make two sets of tags one key
         if mode == "overlap" then
            for _, t in ipairs(kit.scope_of(c)) do
               if t:find("\0", 1, true) then return compare_pairwise(ctx, group) end
            end
         end
      end
   end
   -- one scope key: every count that is not a part is of it
   if #keys == 1 then all = whole[keys[1]] end
   -- for scopes: overlap, the keys whose scopes share a tag with each key
   local sharing = {}
   if mode == "overlap" then
      for _, key in ipairs(keys) do
         local scope, list = nil, {}
         for _, other in ipairs(keys) do
            if other ~= "" then
               scope = scope or kit.scope_of(group[whole[key].index[1]])
               if other == key or kit.scopes_overlap(scope, kit.scope_of(group[whole[other].index[1]])) then
                  list[#list + 1] = whole[other]
               end
            end
         end
         sharing[key] = list
      end
   end
   local found, stride = {}, n + 1
   local function look(pool, i, k, c)
      if pool then search(pool, i, k, c.claimant, best[i], p, found, stride) end
   end
   for i, c in ipairs(group) do
      local k = reach[i]
      local key = c.scope_key
      if c.part then
         if not kit.unscoped_part(c) then
            look(parts[key], i, k, c)
            look(whole[key], i, k, c)
         end
      else
         look(parts[key], i, k, c)
         if mode == "any" or key == "" then
            look(all, i, k, c)
         else
            look(whole[""], i, k, c)
            if mode == "same" then
               look(whole[key], i, k, c)
            else
               for _, pool in ipairs(sharing[key]) do look(pool, i, k, c) end
            end
         end
      end
   end
   table.sort(found)
   for _, f in ipairs(found) do
      local a, b = group[f // stride], group[f % stride]
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
