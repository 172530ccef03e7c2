-- SPDX-License-Identifier: MIT
-- opposing_assertions: two parties asserting opposite values (true against false, or different
-- numbers or strings) about the same thing (canonical subject, about, and region as a declared
-- place), for periods that can overlap. self_contradiction is about one party's own word; this
-- rule is about what the parties say against each other. One finding per pair of claimants on
-- one thing: the first of their opposing pairs in date order, with how many there are. See
-- docs/rules/opposing_assertions.md.
local kit = require "parley.rulekit"

local function value_words(v)
   if type(v) == "string" then return string.format("%q", v) end
   return tostring(v)
end

local function what_of(c)
   local k = kit.canonical(c)
   return k.subject .. (c.holder and (" held by " .. c.holder) or "") .. (c.about and (", about " .. c.about) or "") ..
      (c.region and (" in " .. (k.region or c.region)) or "")
end

local function thing_key(c)
   local k = kit.canonical(c)
   return table.concat({ k.subject, c.about or "", k.region or c.region or "" }, "\0")
end

local function report(ctx, a, b, n)
   local function side(c)
      return string.format("%s asserts %s (%s, %s%s)", c.claimant, value_words(c.value), c.id, c.as_of,
         c.region and c.region ~= (kit.canonical(c).region or c.region) and (", written " .. c.region) or "")
   end
   ctx:finding({
      message = string.format("%s: %s; %s%s", what_of(a), side(a), side(b),
         n > 1 and string.format(" (and %d more opposing pairs of theirs)", n - 1) or ""),
      evidence = { claims = { a.id, b.id }, sources = kit.ids(kit.sources_of(a), kit.sources_of(b)),
         parties = kit.ids({ a.claimant, b.claimant }) },
      measures = { pairs = n },
      details = { first = { claim = a.id, value = a.value, text = a.text },
         second = { claim = b.id, value = b.value, text = b.text } },
   })
end

-- How many of the positions p (ascending) are at most t.
local function count_upto(p, t)
   local lo, hi = 1, #p
   while lo <= hi do
      local mid = (lo + hi) // 2
      if p[mid] <= t then lo = mid + 1 else hi = mid - 1 end
   end
   return lo - 1
end

-- Each two claimants of a group (in as_of order, as db:claims gives them): their first
-- opposing pair, and how many there are. Claim a and a later claim b can overlap while b
-- starts before a ends: a's partners are a run of the claims after it. They are counted, not
-- visited: per other claimant, the run's claims of that claimant less those with a's value
-- (positions by claimant and by claimant and value, found by bisection), so a group of
-- thousands of claims of one period costs n log n, not n squared. Numbers compare by value
-- (a table key does too: 1 and 1.0 are one key); a NaN equals nothing, itself included.
local function check_group(ctx, group)
   local n = #group
   local firsts = {}
   for i = 1, n do firsts[i] = group[i].as_of_period.first end
   local at_of, at_of_value, claimants = {}, {}, {} -- claimant -> positions; claimant -> class -> positions
   local class_of, next_other = {}, {} -- position -> its value's class; its claimant's next with another
   for i = 1, n do
      local c, v = group[i].claimant, group[i].value
      local class = v
      if v ~= v then class = {} end -- NaN: a class of its own
      class_of[i] = class
      local at = at_of[c]
      if not at then
         at = {}
         at_of[c], at_of_value[c] = at, {}
         claimants[#claimants + 1] = c
      end
      at[#at + 1] = i
      local by_value = at_of_value[c][class]
      if not by_value then
         by_value = {}
         at_of_value[c][class] = by_value
      end
      by_value[#by_value + 1] = i
   end
   table.sort(claimants)
   for _, c in ipairs(claimants) do
      -- the next of c's claims with another value than this one's: the one after it, or, when
      -- that one has the same value, the one after that one has
      local at = at_of[c]
      next_other[at[#at]] = false
      for k = #at - 1, 1, -1 do
         local here, after = at[k], at[k + 1]
         if class_of[after] ~= class_of[here] then
            next_other[here] = after
         else
            next_other[here] = next_other[after]
         end
      end
   end
   local pairs_of, order = {}, {}
   for i = 1, n do
      local a = group[i]
      local last = a.as_of_period.last
      local k = count_upto(firsts, last) -- the run is i+1 .. k
      if k > i then
         local found = {}
         for _, c in ipairs(claimants) do
            if c ~= a.claimant then
               local at = at_of[c]
               local in_run = count_upto(at, k) - count_upto(at, i)
               if in_run > 0 then
                  local same = at_of_value[c][class_of[i]]
                  local opposing = in_run - (same and (count_upto(same, k) - count_upto(same, i)) or 0)
                  if opposing > 0 then
                     local x, y = a.claimant, c
                     if x > y then x, y = y, x end
                     local key = x .. "\0" .. y
                     local p = pairs_of[key]
                     if not p then
                        -- the first of c's in the run whose value is not a's
                        local j = at[count_upto(at, i) + 1]
                        if class_of[j] == class_of[i] then j = next_other[j] end
                        p = { a = a, b = group[j], j = j, n = 0 }
                        pairs_of[key] = p
                        found[#found + 1] = key
                     end
                     p.n = p.n + opposing
                  end
               end
            end
         end
         table.sort(found, function(x, y) return pairs_of[x].j < pairs_of[y].j end)
         for _, key in ipairs(found) do order[#order + 1] = key end
      end
   end
   for _, key in ipairs(order) do
      local p = pairs_of[key]
      report(ctx, p.a, p.b, p.n)
   end
end

local function run(ctx)
   local gone = kit.superseded(ctx.db, "claims")
   local only = ctx.params.subject and ctx.db:vocabulary():canonical_subject(ctx.params.subject)
   local asserted = {}
   for c in ctx.db:claims() do
      if c.value ~= nil and not gone[c.id] and (not only or kit.canonical(c).subject == only) then
         asserted[#asserted + 1] = c
      end
   end
   local groups, order = kit.group(asserted, thing_key)
   for _, key in ipairs(order) do check_group(ctx, groups[key]) end
end

return {
   id = "opposing_assertions",
   version = "1.0.0",
   description = "Two parties asserting opposite values (true against false, or different values) about the same " ..
      "subject, about side and region, for periods that can overlap.",
   severity = "medium",
   params = {
      subject = { type = "string", description = "only assertions about this subject (or a synonym of it)" },
   },
   run = run,
}
