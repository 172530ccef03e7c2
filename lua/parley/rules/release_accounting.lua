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

-- The current count claims of the subject (canonical) by a holder (no region), in series
-- (kit.series_key: claimant, holder, about and canonical scope: a total and each of its
-- parts are series of their own), each with its other side (about, or the claimant when not
-- the holder) and its scope; only the holder's own counts and the other side's. A part
-- stating no scope of its own is in no series. The groups and their sorted keys.
local function count_series(ctx)
   local p = ctx.params
   local gone = superseded(ctx.db, "claims")
   local counted = {}
   for c in ctx.db:claims() do
      if c.count and c.holder and not c.region and not gone[c.id] and kit.canonical(c).subject == p.subject then
         counted[#counted + 1] = c
      end
   end
   kit.breakdowns(counted)
   local groups, order = {}, {}
   for _, c in ipairs(counted) do
      local other = c.about or (c.claimant ~= c.holder and c.claimant) or nil
      if (c.claimant == c.holder or c.claimant == other) and not kit.unscoped_part(c) then
         local key = kit.series_key(c)
         if not groups[key] then
            groups[key] = { other = other, scope = kit.scope_of(c) }
            order[#order + 1] = key
         end
         local g = groups[key]
         g[#g + 1] = c
      end
   end
   table.sort(order)
   return groups, order
end

-- A release between dates: the holder's releases (to `other` when known) certainly between
-- claims a and b are summed; those that can fall on either claim's date are unclear. The
-- releases are the holder's, in date order (of their first day), each with the latest last
-- day up to it (`reach`, which only grows): a binary search on it finds the first that can
-- fall on or after a, so a series walks only the releases near each of its steps.
local function first_release_after(list, period)
   local lo, hi = 1, #list + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if list[mid].reach < period.first then lo = mid + 1 else hi = mid end
   end
   return lo
end

local function released_between(a, b, releases, other)
   local released, xs, unclear = 0, {}, {}
   local list = releases[a.holder] or {}
   for i = first_release_after(list, a.as_of_period), #list do
      local r = list[i]
      local d = r.x.date_period
      if d.first > b.as_of_period.last then break end
      if d.last >= a.as_of_period.first and (not other or r.to == other) then -- not to a third party
         if dates.before(a.as_of_period, d) and dates.before(d, b.as_of_period) then
            released = released + r.count
            xs[#xs + 1] = r.x.id
         else
            unclear[#unclear + 1] = r.x.id
         end
      end
   end
   return released, xs, unclear
end

local function what_of(a, p)
   return string.format("%s's count of %s held by %s%s (%s)", a.claimant, p.subject, a.holder,
      a.about and (", about " .. a.about) or "", kit.scope_words(kit.scope_of(a)))
end

-- More released than the earlier count says were held: "expected" would be negative.
local function report_over_release(ctx, a, b, other, released, xs)
   local p = ctx.params
   local _, _, high = kit.range(a.count, 0)
   if released <= high + p.tolerance then return false end
   xs = ids(xs)
   ctx:finding({
      message = string.format("%s was %s (%s, %s); %s released %d to %s in %s: released more than were " ..
         "claimed held", what_of(a, p), say(a.count), a.id, a.as_of, a.holder, released, other or "the other side",
         listing(xs)),
      evidence = { claims = { a.id, b.id }, exchanges = xs, sources = ids(kit.sources_of(a), kit.sources_of(b)),
         parties = ids({ a.claimant, a.holder }) },
      measures = { released = released, previous = best_of(a.count) },
      details = { kind = "over_release", scope = kit.scope_of(a) },
   })
   return true
end

-- The later count against what the releases leave. A series stating no scope is the whole:
-- it falls by what was released. A scoped series falls by at most that (a release does not
-- say which of its persons were soldiers or civilians): a count outside that range is a finding.
local function report_count(ctx, a, b, other, released, xs)
   local p = ctx.params
   local before, claimed = best_of(a.count), best_of(b.count)
   local scope = kit.scope_of(a)
   local scoped = #scope > 0
   local low, high = before - released, before
   if not scoped then high = low end
   if claimed >= low - p.tolerance and claimed <= high + p.tolerance then return end
   xs = ids(xs)
   local how
   if claimed >= before then
      how = "did not fall"
   else
      how = string.format("fell by %s", num(before - claimed))
   end
   local expected_said = scoped and string.format("at least %s (the releases do not say how many were %s)",
      num(low), kit.scope_words(scope)) or num(low)
   ctx:finding({
      message = string.format("%s was %s (%s, %s); %s released %d to %s in %s, so %s was expected, but %s " ..
         "claims %s (%s, %s): it %s", what_of(a, p), say(a.count), a.id, a.as_of, a.holder, released,
         other or "the other side", listing(xs), expected_said, b.claimant, say(b.count), b.id, b.as_of, how),
      evidence = { claims = { a.id, b.id }, exchanges = xs, sources = ids(kit.sources_of(a), kit.sources_of(b)),
         parties = ids({ a.claimant, a.holder }) },
      measures = { expected = low, claimed = claimed, released = released, previous = before,
         expected_high = scoped and high or nil },
      details = { kind = "count", scope = scope },
   })
end

-- Each two consecutive counts of a series against the releases between them: a pair with a
-- release that can fall on either date is left out (and logged), and so is a date on which
-- the series gives two counts that disagree.
local function counts(ctx, releases)
   local groups, order = count_series(ctx)
   local function tie(slot)
      local tied = {}
      for k, c in ipairs(slot) do tied[k] = c.id end
      ctx.log(string.format("%s: left out, they give different counts for the same date", listing(ids(tied))))
   end
   for _, key in ipairs(order) do
      local g = groups[key]
      local series = kit.series(g, tie) -- each claim certainly after the one before
      for i = 2, #series do
         local a, b = series[i - 1], series[i]
         local released, xs, unclear = released_between(a, b, releases, g.other)
         if #unclear > 0 then
            ctx.log(string.format("%s -> %s: left out, exchange %s can fall on either claim's date", a.id, b.id,
               listing(unclear)))
         elseif released > 0 and not (#g.scope == 0 and report_over_release(ctx, a, b, g.other, released, xs)) then
            report_count(ctx, a, b, g.other, released, xs)
         end
      end
   end
end

------------------------------------------------------------------------------ persons

-- The lists of one side, indexed once by their entries rather than walked per released
-- person: by given person id, by name of entries without an id, by any entry's name; each
-- to the entries' lists (their position among the side's lists, which are in as_of order)
-- and person ids (given or generated).
local function add_to(index, key, list, person)
   local l = index[key]
   if not l then
      l = {}
      index[key] = l
   end
   l[#l + 1] = { list = list, person = person }
end

local function side_index(lists)
   local index = { lists = lists, by_id = {}, by_name_noid = {}, by_name = {} }
   for pos, l in ipairs(lists) do
      l.position = pos
      for _, e in ipairs(l.entries) do
         if e.given then add_to(index.by_id, e.person, l, e.person) end
         if e.name then
            add_to(index.by_name, e.name, l, e.person)
            if not e.given then add_to(index.by_name_noid, e.name, l, e.person) end
         end
      end
      l.entries = nil -- the index is all that is needed from here on
   end
   return index
end

-- The index's runs of entries that can be released person r: by person id, or by exact
-- name where one side gives no id. Each run is in list order (as_of order).
local function runs_naming(index, r, names)
   local runs = {}
   if r.given then
      runs[#runs + 1] = index.by_id[r.person]
      for _, n in ipairs(names[r.person] or {}) do runs[#runs + 1] = index.by_name_noid[n] end
   elseif r.name then
      runs[#runs + 1] = index.by_name[r.name]
   end
   return runs
end

-- The lists certainly after date period d on which released person r is, in their order, each
-- with the person ids of the matching entries. A binary search in each run skips the lists
-- not after d (those whose first day is not after d's last: a prefix), so a common name on
-- many earlier lists costs its logarithm, not its length.
local function lists_after(index, r, names, d)
   local by_list, out = {}, {}
   for _, run in ipairs(runs_naming(index, r, names)) do
      local lo, hi = 1, #run + 1
      while lo < hi do
         local mid = (lo + hi) // 2
         if run[mid].list.as_of_period.first <= d.last then lo = mid + 1 else hi = mid end
      end
      for i = lo, #run do
         local h = run[i]
         if dates.before(d, h.list.as_of_period) then
            local m = by_list[h.list]
            if not m then
               m = { list = h.list, persons = {} }
               by_list[h.list] = m
               out[#out + 1] = m
            end
            m.persons[#m.persons + 1] = h.person
         end
      end
   end
   table.sort(out, function(a, b) return a.list.position < b.list.position end)
   return out
end

-- Whether released person r is on one of the first n lists of the index (each run's first
-- entry is its earliest list).
local function on_first_lists(index, r, names, n)
   for _, run in ipairs(runs_naming(index, r, names)) do
      if run[1].list.position <= n then return true end
   end
   return false
end

-- The lists of the subject (canonical), all of them (current or not, for "never on a
-- list"), in as_of order, with their entries. Plain SQL: the lists iterator would build every
-- entry as a record first. The subjects as written that are the subject are found first, so
-- the entries are read for those lists only. as_of_period holds the stored first and last
-- day (all that dates.before and dates.overlap read).
local function lists_of_subject(ctx)
   local p = ctx.params
   local vocabulary = ctx.db:vocabulary()
   local written, marks = {}, {}
   for r in ctx.db:query("SELECT DISTINCT subject FROM lists ORDER BY subject") do
      if vocabulary:canonical_subject(r.subject) == p.subject then
         written[#written + 1] = r.subject
         marks[#marks + 1] = "?"
      end
   end
   local lists, by_id = {}, {}
   if #written == 0 then return lists end
   local among = " IN (" .. table.concat(marks, ", ") .. ")"
   for l in ctx.db:query("SELECT id, claimant, holder, as_of, as_of_start, as_of_end, source FROM lists " ..
      "WHERE subject" .. among .. " ORDER BY as_of_start, id", table.unpack(written)) do
      local rec = { id = l.id, claimant = l.claimant, holder = l.holder, as_of = l.as_of, source = l.source,
         as_of_period = { first = l.as_of_start, last = l.as_of_end }, entries = {} }
      lists[#lists + 1] = rec
      by_id[l.id] = rec
   end
   for e in ctx.db:query("SELECT e.list, e.person, e.person_given, e.name FROM entries e JOIN lists l " ..
      "ON l.id = e.list WHERE l.subject" .. among .. " ORDER BY e.list, e.position", table.unpack(written)) do
      table.insert(by_id[e.list].entries, { person = e.person, given = e.person_given == 1, name = e.name })
   end
   return lists
end

-- The lists by the side holding the persons listed (current lists only) and by claimant and
-- holder (any version), each side's indexed.
local function lists_by_side(ctx)
   local gone = superseded(ctx.db, "lists")
   local current_of_holder, own_of_claimant = {}, {}
   local function add(t, key, l)
      t[key] = t[key] or {}
      table.insert(t[key], l)
   end
   for _, l in ipairs(lists_of_subject(ctx)) do
      if l.holder then
         -- one record per index: a list in both is entered twice, each copy with its own position
         if not gone[l.id] then
            add(current_of_holder, l.holder, { id = l.id, claimant = l.claimant, as_of = l.as_of, source = l.source,
               as_of_period = l.as_of_period, entries = l.entries })
         end
         add(own_of_claimant, l.claimant .. "\0" .. l.holder, l)
      end
   end
   for key, lists in pairs(current_of_holder) do current_of_holder[key] = side_index(lists) end
   for key, lists in pairs(own_of_claimant) do own_of_claimant[key] = side_index(lists) end
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
local function check_still_listed(ctx, r, who, index, names)
   local p = ctx.params
   if not index then return end
   local found, on, matched = {}, {}, {}
   for _, m in ipairs(lists_after(index, r, names, r.x.date_period)) do
      local l = m.list
      found[#found + 1] = l
      on[#on + 1] = string.format("%s (%s, %s)", l.id, l.claimant, l.as_of)
      for _, id in ipairs(m.persons) do matched[#matched + 1] = id end
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

-- How many of a side's lists (in as_of order) are not certainly after date period d: they
-- are a prefix, those whose first day is not after d's last (a binary search).
local function lists_up_to(lists, d)
   local lo, hi = 1, #lists + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if lists[mid].as_of_period.first <= d.last then lo = mid + 1 else hi = mid end
   end
   return lo - 1
end

-- Released person r, on none of the receiving side's own lists (up to the exchange) of its
-- people held by the releasing side; a side with no such lists is not judged.
local function check_unlisted(ctx, r, who, index, names)
   local p = ctx.params
   if not index then return end
   local n = lists_up_to(index.lists, r.x.date_period)
   if n == 0 then return end
   if on_first_lists(index, r, names, n) then return end
   local lids = {}
   for k = 1, n do lids[k] = index.lists[k].id end
   lids = ids(lids)
   ctx:finding({
      severity = p.unlisted_severity,
      message = string.format("%s, released by %s to %s in %s (%s), is %s %s's own %s of %s held by %s: %s",
         who, r.from, r.to, r.x.id, r.x.date, #lids == 1 and "not on" or "on none of", r.to,
         #lids == 1 and "list" or string.format("%d lists", #lids), p.subject, r.from, listing(lids)),
      evidence = { exchanges = { r.x.id }, lists = lids, persons = { r.person }, parties = ids({ r.to }) },
      measures = { lists = n },
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

-- The releases of the subject by the releasing side, in date order, each with its reach
-- (the latest last day of the releases up to it).
local function releases_by_holder(exchanges)
   local releases = {}
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers or {}) do
         local list = releases[t.from] or {}
         releases[t.from] = list
         local reach = x.date_period.last
         if #list > 0 and list[#list].reach > reach then reach = list[#list].reach end
         list[#list + 1] = { x = x, to = t.to, count = t.count, reach = reach }
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
