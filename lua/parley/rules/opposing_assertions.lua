-- SPDX-License-Identifier: MIT
-- opposing_assertions: two parties asserting opposite values (true against false, or different
-- numbers or strings) about the same thing (canonical subject, about, and region as a declared
-- place), for periods that can overlap. self_contradiction is about one party's own word; this
-- rule is about what the parties say against each other. One finding per pair of claimants on
-- one thing: the first of their opposing pairs in date order, with how many there are. See
-- docs/rules/opposing_assertions.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"

-- Two values the same? Numbers by value (1 and 1.0), the rest as they are.
local function same_value(a, b)
   if type(a) == "number" and type(b) == "number" then return a == b end
   return a == b
end

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

-- Each two claimants of a group (in as_of order): their first opposing pair, and the count.
local function check_group(ctx, group)
   local pairs_of, order = {}, {}
   for i = 1, #group do
      local a = group[i]
      for j = i + 1, #group do
         local b = group[j]
         if b.as_of_period.first > a.as_of_period.last then break end
         if a.claimant ~= b.claimant and not same_value(a.value, b.value) and
            dates.overlap(a.as_of_period, b.as_of_period) then
            local x, y = a.claimant, b.claimant
            if x > y then x, y = y, x end
            local key = x .. "\0" .. y
            if not pairs_of[key] then
               pairs_of[key] = { a = a, b = b, n = 0 }
               order[#order + 1] = key
            end
            pairs_of[key].n = pairs_of[key].n + 1
         end
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
