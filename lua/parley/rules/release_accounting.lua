-- SPDX-License-Identifier: MIT
-- release_accounting: walks the exchanges in date order against each party's counts and lists.
--   count:         a holder's count (claimed by the holder or by the other side) that does not
--                  fall by the number the holder released between two claims;
--   still_listed:  a named person released in an exchange who is still on a later list of the
--                  releasing side's detainees;
--   unlisted:      a released person who was never on the receiving side's own lists of its
--                  people held by the releasing side (when it has such lists).
-- Persons are matched by person id, or by exact name where one side gives no id.
-- See docs/rules/release_accounting.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"
local superseded, listing, best_of = kit.superseded, kit.listing, kit.best
local say, num, ids = kit.say, kit.num, kit.ids

local function nonempty(list)
   if #list > 0 then return list end
end

------------------------------------------------------------------------------ counts

-- The current count claims of the subject by a holder (no region), in series by claimant,
-- holder and about, each with its other side (about, or the claimant when not the holder);
-- only the holder's own counts and the other side's. The groups and their sorted keys.
local function count_series(ctx)
   local p = ctx.params
   local groups, order = {}, {}
   local gone = superseded(ctx.db, "claims")
   for c in ctx.db:claims({ subject = p.subject }) do
      local other = c.about or (c.claimant ~= c.holder and c.claimant) or nil
      if c.count and c.holder and not c.region and not gone[c.id] and
         (c.claimant == c.holder or c.claimant == other) then
         local key = table.concat({ c.claimant, c.holder, c.about or "" }, "\0")
         if not groups[key] then
            groups[key] = { other = other }
            order[#order + 1] = key
         end
         local g = groups[key]
         g[#g + 1] = c
      end
   end
   table.sort(order)
   return groups, order
end

-- The holder's releases (to `other` when known) between claims a and b: the number certainly
-- between them and their exchanges, and the exchanges that can fall on either claim's date.
local function released_between(a, b, releases, other)
   local released, xs, unclear = 0, {}, {}
   for _, r in ipairs(releases[a.holder] or {}) do
      local d = (not other or r.to == other) and r.x.date_period -- not a release to a third party
      if d and dates.before(a.as_of_period, d) and dates.before(d, b.as_of_period) then
         released = released + r.count
         xs[#xs + 1] = r.x.id
      elseif d and (dates.overlap(d, a.as_of_period) or dates.overlap(d, b.as_of_period)) then
         unclear[#unclear + 1] = r.x.id
      end
   end
   return released, xs, unclear
end

local function report_count(ctx, a, b, other, released, xs)
   local p = ctx.params
   local before, claimed = best_of(a.count), best_of(b.count)
   local expected = before - released
   if math.abs(claimed - expected) <= p.tolerance then return end
   xs = ids(xs)
   local how
   if claimed >= before then
      how = "did not fall"
   else
      how = string.format("fell by %s", num(before - claimed))
   end
   ctx:finding({
      message = string.format("%s's count of %s held by %s%s was %s (%s, %s); %s released %d to %s in " ..
         "%s, so %s was expected, but %s claims %s (%s, %s): it %s", a.claimant, p.subject, a.holder,
         a.about and (", about " .. a.about) or "", say(a.count), a.id, a.as_of, a.holder, released,
         other or "the other side", listing(xs), num(expected), b.claimant, say(b.count),
         b.id, b.as_of, how),
      evidence = { claims = { a.id, b.id }, exchanges = xs, sources = ids({ a.source, b.source }),
         parties = ids({ a.claimant, a.holder }) },
      measures = { expected = expected, claimed = claimed, released = released, previous = before },
      details = { kind = "count" },
   })
end

-- Each two consecutive counts of a series against the releases between them: a pair with a
-- release that can fall on either date is left out (and logged).
local function counts(ctx, releases)
   local groups, order = count_series(ctx)
   for _, key in ipairs(order) do
      local g = groups[key]
      local series = kit.series(g) -- each claim certainly after the one before
      for i = 2, #series do
         local a, b = series[i - 1], series[i]
         local released, xs, unclear = released_between(a, b, releases, g.other)
         if #unclear > 0 then
            ctx.log(string.format("%s -> %s: left out, exchange %s can fall on either claim's date", a.id, b.id,
               listing(unclear)))
         elseif released > 0 then
            report_count(ctx, a, b, g.other, released, xs)
         end
      end
   end
end

------------------------------------------------------------------------------ persons

-- An index of one list's entries: by given person id, by name of entries without an id, by
-- any entry's name; each to the person ids (given or generated) of the entries.
local function index_list(l)
   l.by_id, l.by_name_noid, l.by_name = {}, {}, {}
   for _, e in ipairs(l.entries) do
      if e.given then l.by_id[e.person] = true end
      if e.name then
         l.by_name[e.name] = l.by_name[e.name] or {}
         table.insert(l.by_name[e.name], e.person)
         if not e.given then
            l.by_name_noid[e.name] = l.by_name_noid[e.name] or {}
            table.insert(l.by_name_noid[e.name], e.person)
         end
      end
   end
   l.entries = nil -- the indexes are all that is needed from here on
end

-- The person ids of the entries of list l that are the released person r, or nil.
local function match(l, r, names)
   local out = {}
   if r.given then
      if l.by_id[r.person] then out[#out + 1] = r.person end
      for _, n in ipairs(names[r.person] or {}) do
         for _, id in ipairs(l.by_name_noid[n] or {}) do out[#out + 1] = id end
      end
   elseif r.name then
      for _, id in ipairs(l.by_name[r.name] or {}) do out[#out + 1] = id end
   end
   if #out > 0 then return out end
end

-- The lists of the subject, all of them (current or not, for "never on a list"), in as_of
-- order, with their entries. Plain SQL: the lists iterator would build every entry as a
-- record first. as_of_period holds the stored first and last day (all that dates.before and
-- dates.overlap read).
local function lists_of_subject(ctx)
   local p = ctx.params
   local lists, by_id = {}, {}
   for l in ctx.db:query("SELECT id, claimant, holder, as_of, as_of_start, as_of_end, source FROM lists " ..
      "WHERE subject = ? ORDER BY as_of_start, id", p.subject) do
      local rec = { id = l.id, claimant = l.claimant, holder = l.holder, as_of = l.as_of, source = l.source,
         as_of_period = { first = l.as_of_start, last = l.as_of_end }, entries = {} }
      lists[#lists + 1] = rec
      by_id[l.id] = rec
   end
   for e in ctx.db:query("SELECT e.list, e.person, e.person_given, e.name FROM entries e JOIN lists l " ..
      "ON l.id = e.list WHERE l.subject = ? ORDER BY e.list, e.position", p.subject) do
      table.insert(by_id[e.list].entries, { person = e.person, given = e.person_given == 1, name = e.name })
   end
   return lists
end

-- The lists, indexed, by the side holding the persons listed (current lists only) and by
-- claimant and holder (any version).
local function lists_by_side(ctx)
   local gone = superseded(ctx.db, "lists")
   local current_of_holder, own_of_claimant = {}, {}
   for _, l in ipairs(lists_of_subject(ctx)) do
      index_list(l)
      if l.holder and not gone[l.id] then
         current_of_holder[l.holder] = current_of_holder[l.holder] or {}
         table.insert(current_of_holder[l.holder], l)
      end
      if l.holder then
         local key = l.claimant .. "\0" .. l.holder
         own_of_claimant[key] = own_of_claimant[key] or {}
         table.insert(own_of_claimant[key], l)
      end
   end
   return current_of_holder, own_of_claimant
end

-- Every name a person record gives, for matching a released person with an id by name.
local function names_of_persons(ctx)
   local names = {}
   for n in ctx.db:query("SELECT person, name FROM person_names ORDER BY person, position") do
      names[n.person] = names[n.person] or {}
      table.insert(names[n.person], n.name)
   end
   return names
end

-- Adds the name a transfer gives a released person with an id to the person's names.
local function add_name(names, r)
   local ns = names[r.person] or {}
   for _, n in ipairs(ns) do
      if n == r.name then return end
   end
   ns[#ns + 1] = r.name
   names[r.person] = ns
end

-- The persons released in the current exchanges, in exchange date order.
local function persons_released(ctx, exchange_of, names)
   local released = {}
   for e in ctx.db:query("SELECT e.person, e.person_given, e.name, t.exchange, t.from_party, t.to_party " ..
      "FROM entries e JOIN transfers t ON t.id = e.transfer WHERE e.cargo = ? ORDER BY e.id", ctx.params.subject) do
      local x = exchange_of[e.exchange]
      if x then
         local r = { person = e.person, given = e.person_given == 1, name = e.name, x = x, from = e.from_party,
            to = e.to_party }
         if r.given and r.name then add_name(names, r) end
         released[#released + 1] = r
      end
   end
   table.sort(released, function(a, b)
      if a.x.order ~= b.x.order then return a.x.order < b.x.order end
      return a.person < b.person
   end)
   return released
end

-- Released person r, still on later current lists of the releasing side's detainees.
local function check_still_listed(ctx, r, who, lists, names)
   local p = ctx.params
   local found, on, matched = {}, {}, {}
   for _, l in ipairs(lists or {}) do
      local m = dates.before(r.x.date_period, l.as_of_period) and match(l, r, names)
      if m then
         found[#found + 1] = l
         on[#on + 1] = string.format("%s (%s, %s)", l.id, l.claimant, l.as_of)
         for _, id in ipairs(m) do matched[#matched + 1] = id end
      end
   end
   if #found == 0 then return end
   local lids, sources = {}, {}
   for k, l in ipairs(found) do
      lids[k] = l.id
      if l.source then sources[#sources + 1] = l.source end
   end
   ctx:finding({
      severity = p.still_listed_severity,
      message = string.format("%s, released by %s to %s in %s (%s), is still on %d later list%s of %s held " ..
         "by %s: %s", who, r.from, r.to, r.x.id, r.x.date, #found, #found == 1 and "" or "s", p.subject,
         r.from, listing(on)),
      evidence = { exchanges = { r.x.id }, lists = ids(lids), persons = ids({ r.person }, matched),
         sources = nonempty(ids(sources, r.x.sources or {})), parties = ids({ r.from, r.to }) },
      measures = { lists = #found },
      details = { kind = "still_listed" },
   })
end

-- Released person r, on none of the receiving side's own lists (up to the exchange) of its
-- people held by the releasing side; a side with no such lists is not judged.
local function check_unlisted(ctx, r, who, lists, names)
   local p = ctx.params
   local own = {}
   for _, l in ipairs(lists or {}) do
      if not dates.before(r.x.date_period, l.as_of_period) then own[#own + 1] = l end
   end
   if #own == 0 then return end
   for _, l in ipairs(own) do
      if match(l, r, names) then return end
   end
   local lids = {}
   for k, l in ipairs(own) do lids[k] = l.id end
   lids = ids(lids)
   ctx:finding({
      severity = p.unlisted_severity,
      message = string.format("%s, released by %s to %s in %s (%s), is %s %s's own %s of %s held by %s: %s",
         who, r.from, r.to, r.x.id, r.x.date, #lids == 1 and "not on" or "on none of", r.to,
         #lids == 1 and "list" or string.format("%d lists", #lids), p.subject, r.from, listing(lids)),
      evidence = { exchanges = { r.x.id }, lists = lids, persons = { r.person }, parties = ids({ r.to }) },
      measures = { lists = #own },
      details = { kind = "unlisted" },
   })
end

local function persons(ctx, exchange_of)
   local current_of_holder, own_of_claimant = lists_by_side(ctx)
   local names = names_of_persons(ctx)
   for _, r in ipairs(persons_released(ctx, exchange_of, names)) do
      local who = r.name and string.format("%s (%s)", r.name, r.person) or r.person
      check_still_listed(ctx, r, who, current_of_holder[r.from], names)
      check_unlisted(ctx, r, who, own_of_claimant[r.to .. "\0" .. r.from], names)
   end
end

------------------------------------------------------------------------------ exchanges

-- The current exchanges in date order (order = their position), by id, with their sources
-- and their transfers of the subject. Plain SQL: the exchanges iterator would build every
-- transfer's named persons first. date_period holds the stored first and last day.
local function current_exchanges(ctx)
   local p = ctx.params
   local order, exchange_of = {}, {}
   local gone = superseded(ctx.db, "exchanges")
   for r in ctx.db:query("SELECT id, date, date_start, date_end FROM exchanges ORDER BY date_start, id") do
      if not gone[r.id] then
         local x = { id = r.id, date = r.date, date_period = { first = r.date_start, last = r.date_end },
            order = #order + 1 }
         order[#order + 1] = x
         exchange_of[x.id] = x
      end
   end
   for r in ctx.db:query("SELECT exchange, source FROM exchange_sources ORDER BY exchange, position") do
      local x = exchange_of[r.exchange]
      if x then
         x.sources = x.sources or {}
         x.sources[#x.sources + 1] = r.source
      end
   end
   -- p.subject names a column: detainees or remains (the parameter allows no other value)
   if p.subject ~= "detainees" and p.subject ~= "remains" then error("subject must be detainees or remains", 0) end
   for r in ctx.db:query("SELECT exchange, from_party, to_party, " .. p.subject .. " AS n FROM transfers " ..
      "WHERE " .. p.subject .. " IS NOT NULL ORDER BY exchange, position") do
      local x = exchange_of[r.exchange]
      if x then
         x.transfers = x.transfers or {}
         x.transfers[#x.transfers + 1] = { from = r.from_party, to = r.to_party, count = r.n }
      end
   end
   return order, exchange_of
end

-- The releases of the subject by the releasing side, in date order.
local function releases_by_holder(exchanges)
   local releases = {}
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers or {}) do
         releases[t.from] = releases[t.from] or {}
         table.insert(releases[t.from], { x = x, to = t.to, count = t.count })
      end
   end
   return releases
end

local function run(ctx)
   local exchanges, exchange_of = current_exchanges(ctx)
   counts(ctx, releases_by_holder(exchanges))
   persons(ctx, exchange_of)
end

return {
   id = "release_accounting",
   version = "1.0.0",
   description = "Counts that do not fall by the number released in exchanges, released persons still on later " ..
      "lists of detainees, and released persons never on the receiving side's own lists.",
   severity = "medium",
   params = {
      subject = { type = "string", default = "detainees", values = { "detainees", "remains" },
         description = "what is released and counted: detainees or remains" },
      tolerance = { type = "number", default = 0, min = 0,
         description = "a later count within this much of the expected one is not a finding" },
      still_listed_severity = { type = "string", default = "high", values = vocab.SEVERITIES,
         description = "the severity of a released person still on a later list" },
      unlisted_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity of a released person never on the receiving side's own lists" },
   },
   run = run,
}
