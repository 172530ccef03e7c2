-- SPDX-License-Identifier: MIT
-- breakdown_sum: a party's total whose own parts do not add up. The parts of a total are the
-- claims kit.breakdowns finds (`part_of`, or the subset reading: a scope that is a strict
-- subset of the total's, same claimant, subject, holder, about, region and as_of); counts are
-- read as ranges. When the parts' scopes cover the total's, a sum that cannot meet the total
-- is a finding; when some parts are missing, only parts that together exceed the total are.
-- See docs/rules/breakdown_sum.md.
local kit = require "parley.rulekit"
local superseded, say, num, range, ids = kit.superseded, kit.say, kit.num, kit.range, kit.ids

-- The tags of `scope` not in any of the parts' scopes, sorted.
local function uncovered(scope, parts)
   local seen = {}
   for _, c in ipairs(parts) do
      for _, t in ipairs(kit.scope_of(c)) do seen[t] = true end
   end
   local out = {}
   for _, t in ipairs(scope) do
      if not seen[t] then out[#out + 1] = t end
   end
   return out
end

-- Whether the parts can be summed: each states a scope and no two share a tag (two counts
-- of civilians, or a count stating no scope, may count the same persons twice).
local function disjoint(parts)
   local seen = {}
   for _, c in ipairs(parts) do
      local scope = kit.scope_of(c)
      if #scope == 0 then return false end
      for _, t in ipairs(scope) do
         if seen[t] then return false end
         seen[t] = true
      end
   end
   return true
end

local function what_of(w)
   return kit.canonical(w).subject .. (w.holder and (" held by " .. w.holder) or "") ..
      (w.about and (", about " .. w.about) or "") .. (w.region and (" in " .. w.region) or "")
end

-- The parts of total w (those of which it is the one whole), in scope order.
local function parts_of(w)
   local parts = {}
   for _, c in ipairs(w.parts or {}) do
      if c.whole == w then parts[#parts + 1] = c end
   end
   table.sort(parts, function(a, b)
      local ka, kb = kit.scope_key(a), kit.scope_key(b)
      if ka ~= kb then return ka < kb end
      return a.id < b.id
   end)
   return parts
end

-- The finding; `missing` the total's tags no part counts (complete: none, and the total
-- states its scope).
local function report(ctx, w, parts, sum, complete, missing)
   local said = {}
   for k, c in ipairs(parts) do said[k] = say(c.count) .. " " .. kit.scope_words(kit.scope_of(c)) end
   local total = kit.best(w.count)
   local more = ""
   if not complete then
      more = ", more than the total" .. (#missing > 0 and string.format(" although %s %s no count of %s own",
         kit.scope_words(missing), #missing == 1 and "has" or "have", #missing == 1 and "its" or "their") or "")
   end
   local claim_ids, sources, details_parts = { w.id }, kit.ids(kit.sources_of(w)), {}
   for k, c in ipairs(parts) do
      claim_ids[#claim_ids + 1] = c.id
      for _, s in ipairs(kit.sources_of(c)) do sources[#sources + 1] = s end
      details_parts[k] = { claim = c.id, scope = kit.scope_of(c), best = kit.best(c.count) }
   end
   ctx:finding({
      message = string.format("%s's total of %s for %s is %s%s, its parts (%s) sum to %s%s", w.claimant, what_of(w),
         w.as_of, say(w.count), #kit.scope_of(w) > 0 and (" (" .. kit.scope_words(kit.scope_of(w)) .. ")") or "",
         table.concat(said, " + "), num(sum.best), more),
      evidence = { claims = claim_ids, sources = ids(sources), parties = { w.claimant } },
      measures = { total = total, sum = sum.best, difference = sum.best - total, parts = #parts,
         complete = complete and 1 or 0 },
      details = { scope = kit.scope_of(w), parts = details_parts, missing = missing },
   })
end

-- Total w against its parts: a finding when the sum's range and the total's cannot meet
-- (all parts given), or when the sum's least exceeds the total's most (some missing).
local function check(ctx, w)
   local p = ctx.params
   local parts = parts_of(w)
   if #parts == 0 then return end
   if not disjoint(parts) then
      local part_ids = {}
      for k, c in ipairs(parts) do part_ids[k] = c.id end
      ctx.log(string.format("%s: its parts %s may count the same persons twice: not summed", w.id,
         table.concat(part_ids, ", ")))
      return
   end
   local scope = kit.scope_of(w)
   -- a total stating no scope: which parts it has is unknown, so it is never complete
   local missing = uncovered(scope, parts)
   local complete = #scope > 0 and #missing == 0
   local sum = { best = 0, low = 0, high = 0 }
   for _, c in ipairs(parts) do
      local b, l, h = range(c.count, p.approx_margin)
      sum.best, sum.low, sum.high = sum.best + b, sum.low + l, sum.high + h
   end
   local _, low, high = range(w.count, p.approx_margin)
   local exceeds = sum.low > high + p.tolerance
   local short = complete and sum.high + p.tolerance < low
   if exceeds or short then report(ctx, w, parts, sum, complete, missing) end
end

local function run(ctx)
   local gone = superseded(ctx.db, "claims")
   local counted = {}
   for c in ctx.db:claims() do
      if c.count and not gone[c.id] then counted[#counted + 1] = c end
   end
   kit.breakdowns(counted)
   for _, c in ipairs(counted) do
      if c.parts then check(ctx, c) end
   end
end

return {
   id = "breakdown_sum",
   version = "1.0.0",
   description = "A party's total whose own parts (part_of, or the subset reading of scopes) do not add up, " ..
      "counts read as ranges; parts that together exceed the total even when some are missing.",
   severity = "medium",
   params = {
      tolerance = { type = "number", default = 0, min = 0,
         description = "a sum within this much of the total's range is not a finding" },
      approx_margin = { type = "number", default = 0.1, min = 0, max = 1,
         description = "the range given to an approximate count with no low or high of its own" },
   },
   run = run,
}
