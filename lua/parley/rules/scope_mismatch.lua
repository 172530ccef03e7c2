-- SPDX-License-Identifier: MIT
-- scope_mismatch: the totals of different parties on the same thing (canonical subject,
-- holder, about and region; as_of periods that can overlap) whose canonical scope sets
-- differ, the pairs count_gap leaves out under `scopes: same`. A part of a party's own total
-- (kit.breakdowns: part_of, or the subset reading) is not a total: it is never one side of a
-- pair, only what explains one. The finding says which tags both sides include and which only
-- one side has; when the party with the larger count breaks its total down (ARM: 120 soldiers
-- and 80 civilians of ~200 soldiers and civilians), it says how much of the gap the tags only
-- that side includes explain. See docs/rules/scope_mismatch.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local superseded, best_of, say, num = kit.superseded, kit.best, kit.say, kit.num

-- A claim's canonical scope tags (sorted, distinct) and as a set.
local function tagset(c)
   local list, set = kit.scope_of(c), {}
   for _, t in ipairs(list) do set[t] = true end
   return list, set
end

local function minus(list, set)
   local out = {}
   for _, t in ipairs(list) do
      if not set[t] then out[#out + 1] = t end
   end
   return out
end

local function key_of(list) return table.concat(list, "\0") end

local function words(list)
   if #list == 0 then return "no tags" end
   return table.concat(list, ", ")
end

-- The part of claim a's count that lies outside the tags b includes, from a's own breakdown
-- (its parts, kit.breakdowns): a part scoped exactly to the tags only a has, or else one part
-- scoped to each such tag alone. Returns the amount and the parts used, or nil.
local function split_outside(a, only_a)
   if #only_a == 0 or not a.parts then return nil end
   local by_key = {}
   for _, c in ipairs(a.parts) do
      by_key[c.tagkey] = by_key[c.tagkey] or c
   end
   local whole = by_key[key_of(only_a)]
   if whole then return best_of(whole.count), { whole } end
   local sum, used = 0, {}
   for _, t in ipairs(only_a) do
      local c = by_key[t]
      if not c then return nil end
      sum = sum + best_of(c.count)
      used[#used + 1] = c
   end
   return sum, used
end

-- The current counts grouped as count_gap groups them, each with its canonical scope tags,
-- its breakdowns marked.
local function current_counts(ctx)
   local gone = superseded(ctx.db, "claims")
   local counted = {}
   for c in ctx.db:claims() do
      if c.count and not gone[c.id] then
         c.tags, c.tagset = tagset(c)
         c.tagkey = key_of(c.tags)
         counted[#counted + 1] = c
      end
   end
   kit.breakdowns(counted)
   return kit.group(counted, kit.count_key)
end

-- The two claims, the larger best count first (the smaller id when they are equal), and
-- their best counts.
local function larger_first(a, b)
   local best_a, best_b = best_of(a.count), best_of(b.count)
   if best_a < best_b or (best_a == best_b and a.id > b.id) then return b, a, best_b, best_a end
   return a, b, best_a, best_b
end

-- The tags both include, those only the larger includes, those only the smaller includes.
local function split_tags(a, b)
   local common = {}
   for _, t in ipairs(a.tags) do
      if b.tagset[t] then common[#common + 1] = t end
   end
   return common, minus(a.tags, b.tagset), minus(b.tags, a.tagset)
end

-- The message's clauses on the two counts and their tags.
local function scope_clauses(a, b, common, only_a, only_b)
   local what = kit.canonical(a).subject .. (a.holder and (" held by " .. a.holder) or "") ..
      (a.about and (", about " .. a.about) or "") .. (a.region and (" in " .. a.region) or "")
   local parts = {
      string.format("%s: %s counts %s (%s, %s) and %s counts %s (%s, %s)", what, a.claimant,
         say(a.count), words(a.tags), a.as_of, b.claimant, say(b.count), words(b.tags), b.as_of),
   }
   if #common > 0 then parts[#parts + 1] = "both include " .. words(common) end
   if #only_a > 0 then parts[#parts + 1] = "only " .. a.claimant .. " includes " .. words(only_a) end
   if #only_b > 0 then parts[#parts + 1] = "only " .. b.claimant .. " includes " .. words(only_b) end
   if #a.tags == 0 then parts[#parts + 1] = a.claimant .. " states no scope" end
   if #b.tags == 0 then parts[#parts + 1] = b.claimant .. " states no scope" end
   return parts
end

-- How much of the gap the larger side's own split counts explain: adds to the message's
-- clauses, the measures and the details.
local function explain_gap(a, gap, only_a, parts, measures, details)
   local outside, used
   if gap > 0 then outside, used = split_outside(a, only_a) end
   if outside then
      local explained = math.min(outside, gap) / gap
      measures.explained = explained
      measures.explained_count = math.min(outside, gap)
      local ids, said = {}, {}
      for k, c in ipairs(used) do
         ids[k] = c.id
         said[k] = string.format("%s %s (%s)", say(c.count), words(c.tags), c.id)
      end
      details.split = ids
      parts[#parts + 1] = string.format("%s's own count of %s explains %s of the gap of %s (%.0f%%)",
         a.claimant, table.concat(said, " and "), num(math.min(outside, gap)), num(gap), explained * 100)
   elseif gap > 0 then
      parts[#parts + 1] = string.format("the gap is %s; %s gives no count split by scope to say how " ..
         "much of it the scope explains", num(gap), a.claimant)
   end
end

-- The finding for a pair whose scopes differ, a the larger count.
local function report(ctx, a, b, best_a, best_b)
   local gap = best_a - best_b
   local common, only_a, only_b = split_tags(a, b)
   local parts = scope_clauses(a, b, common, only_a, only_b)
   local measures = { gap = gap }
   local details = {
      larger = { claim = a.id, claimant = a.claimant, scope = a.tags, best = best_a },
      smaller = { claim = b.id, claimant = b.claimant, scope = b.tags, best = best_b },
      common = common, only_larger = only_a, only_smaller = only_b,
   }
   explain_gap(a, gap, only_a, parts, measures, details)
   ctx:finding({
      message = table.concat(parts, "; "),
      evidence = { claims = { a.id, b.id },
         sources = kit.ids(kit.sources_of(a), kit.sources_of(b)),
         parties = { a.claimant, b.claimant } },
      measures = measures,
      details = details,
   })
end

-- Reports a pair whose counts differ by at least min_gap.
local function report_if_gap(ctx, a, b)
   local larger, smaller, best_l, best_s = larger_first(a, b)
   if best_l - best_s >= ctx.params.min_gap then report(ctx, larger, smaller, best_l, best_s) end
end

-- Each two totals (claims that are no part of their claimant's own) of a group by different
-- claimants, both scoped (or include_unscoped), with different canonical tag sets, for periods
-- that can overlap (the tests inline). In as_of order (of the first day): the totals after one
-- that begin after its last day cannot overlap it, so the walk stops there. A group can hold
-- thousands of totals of one period (the accounts of an exchange), most of one claimant and
-- one tag set: then the pairs are found without the walk (kit.far_pairs: pools by tag set, a
-- total searching the others' for the totals of another claimant whose best counts differ by
-- at least min_gap), in the walk's order.
local function compare_group(ctx, group)
   local include_unscoped, min_gap = ctx.params.include_unscoped, ctx.params.min_gap
   local totals = {}
   for _, c in ipairs(group) do
      if not c.part then totals[#totals + 1] = c end
   end
   local function compared(a, b)
      return a.claimant ~= b.claimant and (include_unscoped or (#a.tags > 0 and #b.tags > 0)) and
         a.tagkey ~= b.tagkey and dates.overlap(a.as_of_period, b.as_of_period)
   end
   local others = {} -- the pools of the tag sets other than a key's
   local found = kit.far_pairs(totals, function(c) return best_of(c.count) end,
      function(x, y) return (x >= y and x - y or y - x) >= min_gap end,
      function(c)
         if include_unscoped or #c.tags > 0 then return { c.tagkey } end
         return {}
      end,
      function(c, names)
         if not include_unscoped and #c.tags == 0 then return {} end
         if not others[c.tagkey] then
            local list = {}
            for _, name in ipairs(names) do
               if name ~= c.tagkey then list[#list + 1] = name end
            end
            others[c.tagkey] = list
         end
         return others[c.tagkey]
      end)
   if found then
      for _, f in ipairs(found) do
         local a, b = totals[f[1]], totals[f[2]]
         -- the tests of the walk, which the pools answer already
         if compared(a, b) then report_if_gap(ctx, a, b) end
      end
      return
   end
   for i = 1, #totals do
      local a = totals[i]
      local last = a.as_of_period.last
      for j = i + 1, #totals do
         local b = totals[j]
         if b.as_of_period.first > last then break end
         if compared(a, b) then report_if_gap(ctx, a, b) end
      end
   end
end

local function run(ctx)
   local groups, order = current_counts(ctx)
   for _, key in ipairs(order) do compare_group(ctx, groups[key]) end
end

return {
   id = "scope_mismatch",
   version = "2.0.0",
   description = "Totals of the same thing by different parties, for periods that can overlap, whose canonical " ..
      "scopes differ: which tags each side includes, and how much of the gap the difference explains when a " ..
      "party breaks its own total down by scope.",
   severity = "low",
   params = {
      min_gap = { type = "number", default = 0, min = 0,
         description = "only pairs whose best counts differ by at least this much (0: every pair)" },
      include_unscoped = { type = "boolean", default = false,
         description = "also compare a claim that states no scope with one that does" },
   },
   run = run,
}
