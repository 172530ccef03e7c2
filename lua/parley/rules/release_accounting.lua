-- SPDX-License-Identifier: MIT
-- release_accounting: walks the exchanges in date order against each party's counts and lists.
--   count:         a holder's count (claimed by the holder or by the other side) that does not
--                  fall by the number the holder released between two claims;
--   still_listed:  a named person released in an exchange who is still on a later list of the
--                  releasing side's detainees;
--   unlisted:      a released person who was never on the receiving side's own lists of its
--                  people held by the releasing side (when it has such lists).
-- Persons are matched through the resolution of people (parley.people: every script, person
-- records, reviewers' decisions). A name alone never makes a finding that asserts a fact:
-- namesakes are common, so a released person tied to a later entry only by the name (or by an
-- uncertain pair) is a finding for review (still_listed_review, unlisted_review).
-- See docs/rules/release_accounting.md.
local dates = require "parley.dates"
local json = require "parley.json"
local kit = require "parley.rulekit"
local people = require "parley.people"
local records = require "parley.records"
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

-- The part of release r of a scope's canonical tags, by the transfer's by_scope (30 of 44 were
-- soldiers), or nil when the transfer does not split so.
local function released_of_scope(r, scope)
   if not r.by_scope then return nil end
   local n = 0
   for _, tag in ipairs(scope) do
      if r.by_scope[tag] == nil then return nil end
      n = n + r.by_scope[tag]
   end
   return n
end

-- The releases certainly between claims a and b: their total, their exchanges, those that
-- can fall on either date, and (for a scoped series) the part of the scope's tags when every
-- release between says it by category, else nil.
local function released_between(a, b, releases, other, scope)
   local released, xs, unclear = 0, {}, {}
   local in_scope = scope and #scope > 0 and 0 or nil
   local list = releases[a.holder] or {}
   for i = first_release_after(list, a.as_of_period), #list do
      local r = list[i]
      local d = r.x.date_period
      if d.first > b.as_of_period.last then break end
      if d.last >= a.as_of_period.first and (not other or r.to == other) then -- not to a third party
         if dates.before(a.as_of_period, d) and dates.before(d, b.as_of_period) then
            released = released + r.count
            xs[#xs + 1] = r.x.id
            local part = in_scope and released_of_scope(r, scope)
            in_scope = part and in_scope + part or nil
         else
            unclear[#unclear + 1] = r.x.id
         end
      end
   end
   return released, xs, unclear, in_scope
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
local function report_count(ctx, a, b, other, released, xs, in_scope)
   local p = ctx.params
   local before, claimed = best_of(a.count), best_of(b.count)
   local scope = kit.scope_of(a)
   -- a release by category moves a scoped series by its part: no range left
   local scoped = #scope > 0 and not in_scope
   local low, high = before - (in_scope or released), before
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
      num(low), kit.scope_words(scope)) or in_scope and string.format("%s (%s of them %s, by the transfers' " ..
      "categories)", num(low), num(in_scope), kit.scope_words(scope)) or num(low)
   ctx:finding({
      message = string.format("%s was %s (%s, %s); %s released %d to %s in %s, so %s was expected, but %s " ..
         "claims %s (%s, %s): it %s", what_of(a, p), say(a.count), a.id, a.as_of, a.holder, released,
         other or "the other side", listing(xs), expected_said, b.claimant, say(b.count), b.id, b.as_of, how),
      evidence = { claims = { a.id, b.id }, exchanges = xs, sources = ids(kit.sources_of(a), kit.sources_of(b)),
         parties = ids({ a.claimant, a.holder }) },
      measures = { expected = low, claimed = claimed, released = released, previous = before,
         expected_high = scoped and high or nil, released_in_scope = in_scope },
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
         local released, xs, unclear, in_scope = released_between(a, b, releases, g.other, g.scope)
         if #unclear > 0 then
            ctx.log(string.format("%s -> %s: left out, exchange %s can fall on either claim's date", a.id, b.id,
               listing(unclear)))
         elseif released > 0 and not (#g.scope == 0 and report_over_release(ctx, a, b, g.other, released, xs)) then
            report_count(ctx, a, b, g.other, released, xs, in_scope)
         end
      end
   end
end

------------------------------------------------------------------------------ persons

-- The lists of the subject (canonical) with a holder, current or not, by id: claimant,
-- holder, as_of and its period (the stored first and last day, all dates.before reads),
-- source, and whether it is current. Plain SQL: the lists iterator would build every entry.
local function lists_of_subject(ctx)
   local p = ctx.params
   local vocabulary = ctx.db:vocabulary()
   local gone = superseded(ctx.db, "lists")
   local out, is_subject = {}, {}
   for l in ctx.db:query("SELECT id, claimant, holder, subject, as_of, as_of_start, as_of_end, source, sources " ..
      "FROM lists WHERE holder IS NOT NULL ORDER BY as_of_start, id") do
      local yes = is_subject[l.subject]
      if yes == nil then
         yes = vocabulary:canonical_subject(l.subject) == p.subject
         is_subject[l.subject] = yes
      end
      if yes then
         out[l.id] = { id = l.id, claimant = l.claimant, holder = l.holder, as_of = l.as_of,
            sources = kit.sources_of(l),
            as_of_period = { first = l.as_of_start, last = l.as_of_end }, current = not gone[l.id] }
      end
   end
   return out
end

-- The receiving side's own lists (claimant = receiver, holder = releaser, any version), by
-- receiver and releaser, each in as_of order.
local function own_lists(lists)
   local own = {}
   for _, l in pairs(lists) do
      local key = l.claimant .. "\0" .. l.holder
      own[key] = own[key] or {}
      table.insert(own[key], l)
   end
   for _, ls in pairs(own) do
      table.sort(ls, function(a, b)
         if a.as_of_period.first ~= b.as_of_period.first then return a.as_of_period.first < b.as_of_period.first end
         return a.id < b.id
      end)
      -- each list's place among its side's, and the side's lists by id: a released person is
      -- judged against the first n without building a set of them each time
      ls.rank, ls.by_id = {}, {}
      for k, l in ipairs(ls) do ls.rank[l], ls.by_id[l.id] = k, l end
   end
   return own
end

-- The persons released in the current exchanges, as entries of the resolution, in exchange
-- date order (then by entry id).
local function persons_released(ctx, resolution, exchange_of)
   local released = {}
   for _, e in pairs(resolution.entries) do
      if e.kind == "transfer" and e.cargo == ctx.params.subject and exchange_of[e.exchange] then
         released[#released + 1] = { entry = e, x = exchange_of[e.exchange], from = e.from, to = e.to,
            person = resolution.by_entry[e.id] }
      end
   end
   table.sort(released, function(a, b)
      if a.x.order ~= b.x.order then return a.x.order < b.x.order end
      return a.entry.id < b.entry.id
   end)
   return released
end

-- How strongly a tie (kit.identity_ties) says two entries are one person.
local TIE_RANK = { record = 3, decision = 3, ["birth year"] = 2, name = 1 }

-- An entry as findings name it: its person record's id when it gives one, else its own id.
local function shown(e) return e.person or e.id end

-- The candidates of one released person on the lists `qualifies` accepts: the entries of the
-- person (as resolved) on such lists, each with its tie to the released entry (kit.identity_ties),
-- and the open uncertain pairs from one of the person's entries to an entry on such a list.
local function candidates(resolution, ties, r, lists, qualifies)
   local out, seen = {}, {}
   for _, e in ipairs(r.person.entries) do
      local l = e.kind == "list" and lists[e.list]
      if l and qualifies(l) and not seen[e.id] then
         seen[e.id] = true
         out[#out + 1] = { entry = e, list = l, tie = ties.tie(r.entry.id, e.id) }
      end
   end
   for _, u in ipairs(r.person.uncertain) do
      local e = resolution.entries[u.other_entry]
      local l = e and e.kind == "list" and lists[e.list]
      -- open from the person's entry it links, and from the released entry itself: a namesake
      -- the pair reaches through another of the person's entries may have a birth year or a
      -- person record of its own that the released entry's contradicts
      if l and qualifies(l) and ties.open(u) and ties.open({ entry = r.entry.id, other_entry = e.id })
         and not seen[e.id] then
         seen[e.id] = true
         out[#out + 1] = { entry = e, list = l, tie = "uncertain", score = u.score, via = u.entry,
            held_apart = u.held_apart }
      end
   end
   table.sort(out, function(a, b)
      if a.list.as_of_period.first ~= b.list.as_of_period.first then
         return a.list.as_of_period.first < b.list.as_of_period.first
      end
      return a.entry.id < b.entry.id
   end)
   return out
end

-- How a candidate is tied to the released person, for details.
local function tie_detail(c)
   return { entry = c.entry.id, person = c.entry.person, name = c.entry.written, born = c.entry.born,
      list = c.list.id, claimant = c.list.claimant, as_of = c.list.as_of, tie = c.tie, score = c.score,
      via = c.via, held_apart = c.held_apart, namesake = c.namesake }
end

-- Released person r on later current lists of the releasing side's detainees: a finding when
-- one of them is tied by more than a name (a person record, a decision, a birth year); a
-- finding for review when the only ties are a name or an uncertain pair.
local function check_still_listed(ctx, resolution, ties, r, who, lists, namesakes, exchange_of)
   local p = ctx.params
   -- the person's other releases by the same side: a list entry after one of them that is
   -- tied to it better than to r, or as well and it is the later release, is that release's
   -- story (the person released again, or a namesake the resolution put with r)
   local again = {}
   for _, e in ipairs(r.person.entries) do
      local x = e.kind == "transfer" and e.cargo == p.subject and e.from == r.from and exchange_of[e.exchange]
      if x and e ~= r.entry then again[#again + 1] = { x = x, entry = e, later = dates.before(r.x.date_period,
         x.date_period) } end
   end
   local later = candidates(resolution, ties, r, lists, function(l)
      return l.current and l.holder == r.from and dates.before(r.x.date_period, l.as_of_period)
   end)
   if #again > 0 then
      local kept = {}
      for _, c in ipairs(later) do
         local mine = TIE_RANK[c.tie] or 0
         local theirs = false
         for _, a in ipairs(again) do
            local rank = TIE_RANK[ties.tie(a.entry.id, c.entry.id)] or 0
            if dates.before(a.x.date_period, c.list.as_of_period) and (rank > mine or (rank == mine and a.later)) then
               theirs = true
            end
         end
         if not theirs then kept[#kept + 1] = c end
      end
      later = kept
   end
   if #later == 0 then return end
   local sure, weak = {}, {}
   for _, c in ipairs(later) do
      if c.tie == "birth year" then
         -- a name and a birth year tell namesakes apart only when no other person of the store
         -- has that name with a birth year that fits (or none): else it is for review
         local q = namesakes.other(c.entry, r.person)
         if q then
            c.tie, c.namesake = "name", q.id
         end
      end
      if c.tie == "name" or c.tie == "uncertain" then weak[#weak + 1] = c else sure[#sure + 1] = c end
   end
   local shown_in = #sure > 0 and sure or weak
   local lids, on, matched, sources, seen = {}, {}, {}, {}, {}
   for _, c in ipairs(shown_in) do
      local l = c.list
      matched[#matched + 1] = shown(c.entry)
      if not seen[l.id] then
         seen[l.id] = true
         lids[#lids + 1] = l.id
         on[#on + 1] = string.format("%s (%s, %s)", l.id, l.claimant, l.as_of)
         for _, sid in ipairs(l.sources) do sources[#sources + 1] = sid end
      end
   end
   -- the candidates in the details, as many as fit the details' size limit (a name on many
   -- later lists can have hundreds of namesakes); left_out says how many did not
   local room, left_out = kit.room(), 0
   local function details_of(list)
      local out, left = room.fit(list, tie_detail)
      left_out = left_out + left
      return out
   end
   local evidence = { exchanges = { r.x.id }, lists = ids(lids), persons = ids({ shown(r.entry) }, matched),
      sources = nonempty(ids(sources, r.x.sources or {})), parties = ids({ r.from, r.to }) }
   local person = kit.person_details(r.person, p.max_entries)
   local entries = details_of(sure)
   local for_review = details_of(weak)
   if #sure > 0 then
      ctx:finding({
         severity = p.still_listed_severity,
         message = string.format("%s, released by %s to %s in %s (%s), is still on %d later list%s of %s held " ..
            "by %s: %s", who, r.from, r.to, r.x.id, r.x.date, #lids, #lids == 1 and "" or "s", p.subject,
            r.from, listing(on)),
         evidence = evidence,
         measures = { lists = #lids },
         details = { kind = "still_listed", entries = entries, for_review = nonempty(for_review),
            people = { person }, truncated = left_out > 0 or nil, left_out = left_out > 0 and left_out or nil },
      })
   else
      ctx:finding({
         severity = p.review_severity,
         message = string.format("%s, released by %s to %s in %s (%s), may be the person on %d later list%s of " ..
            "%s held by %s: %s; only %s ties them, which does not tell namesakes apart: for review", who, r.from,
            r.to, r.x.id, r.x.date, #lids, #lids == 1 and "" or "s", p.subject, r.from, listing(on),
            weak[1].tie == "uncertain" and "an uncertain match of names" or "the name"),
         evidence = evidence,
         measures = { lists = #lids },
         details = { kind = "still_listed_review", for_review = for_review, people = { person },
            truncated = left_out > 0 or nil, left_out = left_out > 0 and left_out or nil },
      })
   end
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
-- people held by the releasing side; a side with no such lists is not judged. Any tie of the
-- resolution, a name alone too, counts as listed (no finding says "never listed" of someone a
-- list may name); an open uncertain pair makes it a finding for review.
local function check_unlisted(ctx, resolution, ties, r, who, own, keyer, entries_of_list)
   local name_key = keyer.key
   local p = ctx.params
   if not own then return end
   local n = lists_up_to(own, r.x.date_period)
   if n == 0 then return end
   local on = candidates(resolution, ties, r, own.by_id, function(l) return own.rank[l] <= n end)
   local review = {}
   for _, c in ipairs(on) do
      if c.tie ~= "uncertain" then return end
      review[#review + 1] = tie_detail(c)
   end
   -- the last resort: the resolution keeps each name's best few candidates, so among many
   -- namesakes a released person's own entry can be left out of their cluster; an entry of
   -- these lists with the same name (key, words in any order) and no birth year against it
   -- counts as listed
   local key = name_key(r.entry.written)
   if key then
      -- keys can differ by a letter between scripts (mkrtcian, mkrcian): near keys count. The
      -- side's list entries are indexed by key once (kit.name_keys), each with its list's place
      if not own.names then
         own.names = keyer.index()
         for k, l in ipairs(own) do
            for _, e in ipairs(entries_of_list(l.id)) do own.names.add(name_key(e.written), { entry = e, rank = k }) end
         end
      end
      for _, c in ipairs(own.names.near(key)) do
         if c.rank <= n and ties.open({ entry = r.entry.id, other_entry = c.entry.id }) then return end
      end
   end
   local lids = {}
   for k = 1, n do lids[k] = own[k].id end
   lids = ids(lids)
   local what = string.format("%s's own %s of %s held by %s: %s", r.to,
      #lids == 1 and "list" or string.format("%d lists", #lids), p.subject, r.from, listing(lids))
   local person = kit.person_details(r.person, p.max_entries)
   if #review > 0 then
      ctx:finding({
         severity = p.review_severity,
         message = string.format("%s, released by %s to %s in %s (%s), is on %s only if an uncertain match of " ..
            "names is the same person: for review", who, r.from, r.to, r.x.id, r.x.date, what),
         evidence = { exchanges = { r.x.id }, lists = lids, persons = { shown(r.entry) }, parties = ids({ r.to }) },
         measures = { lists = n },
         details = { kind = "unlisted_review", for_review = review, people = { person } },
      })
      return
   end
   ctx:finding({
      severity = p.unlisted_severity,
      message = string.format("%s, released by %s to %s in %s (%s), is %s %s", who, r.from, r.to, r.x.id, r.x.date,
         #lids == 1 and "not on" or "on none of", what),
      evidence = { exchanges = { r.x.id }, lists = lids, persons = { shown(r.entry) }, parties = ids({ r.to }) },
      measures = { lists = n },
      details = { kind = "unlisted", people = { person } },
   })
end

-- Released persons against the lists, through the resolution of people (parley.people): every
-- script, reviewers' decisions. The store is resolved only when it names released persons.
local function persons(ctx, exchange_of)
   local named = ctx.db:first("SELECT count(*) AS n FROM entries WHERE transfer IS NOT NULL AND cargo = ?",
      ctx.params.subject)
   if not named or named.n == 0 then return end
   local resolution = people.resolution(ctx.db, { threshold = ctx.params.threshold, review = ctx.params.review })
   local ties = kit.identity_ties(resolution, kit.all(records.identities(ctx.db, { current = true })))
   local lists = lists_of_subject(ctx)
   local own = own_lists(lists)
   -- the entries of each list, each name's key with its words sorted (any order, any script),
   -- and the entries by that key
   local in_list, by_key = {}, {}
   local keyer = kit.name_keys()
   local name_key = keyer.key
   for _, e in pairs(resolution.entries) do
      if e.kind == "list" and lists[e.list] then
         in_list[e.list] = in_list[e.list] or {}
         table.insert(in_list[e.list], e)
      end
      for _, n in ipairs(e.names or {}) do
         local k = name_key(n)
         if k then
            by_key[k] = by_key[k] or {}
            table.insert(by_key[k], e)
         end
      end
   end
   local function entries_of_list(id) return in_list[id] or {} end
   -- another person than `person` with an entry of e's name that e's own evidence does not
   -- set apart (the entry, or nil)
   local namesakes = {}
   function namesakes.other(e, person)
      for _, n in ipairs(e.names or {}) do
         for _, q in ipairs(by_key[name_key(n) or ""] or {}) do
            if resolution.by_entry[q.id] ~= person and ties.open({ entry = e.id, other_entry = q.id }) then return q end
         end
      end
   end
   for _, r in ipairs(persons_released(ctx, resolution, exchange_of)) do
      local e = r.entry
      local who = e.written and string.format("%s (%s)", e.written, shown(e)) or shown(e)
      check_still_listed(ctx, resolution, ties, r, who, lists, namesakes, exchange_of)
      check_unlisted(ctx, resolution, ties, r, who, own[r.to .. "\0" .. r.from], keyer, entries_of_list)
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
   local v = ctx.db:vocabulary()
   for r in ctx.db:query("SELECT exchange, from_party, to_party, " .. p.subject .. " AS n, " .. p.subject ..
      "_by_scope AS by_scope FROM transfers WHERE " .. p.subject .. " IS NOT NULL ORDER BY exchange, position") do
      local x = exchange_of[r.exchange]
      if x then
         x.transfers = x.transfers or {}
         -- the count by category, in canonical scope tags (military is soldiers)
         local by_scope
         for tag, n in pairs(r.by_scope and json.decode(r.by_scope) or {}) do
            by_scope = by_scope or {}
            local canonical = v:scope(tag) or tag
            by_scope[canonical] = (by_scope[canonical] or 0) + n
         end
         x.transfers[#x.transfers + 1] = { from = r.from_party, to = r.to_party, count = r.n, by_scope = by_scope }
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
         list[#list + 1] = { x = x, to = t.to, count = t.count, by_scope = t.by_scope, reach = reach }
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
   version = "3.0.0",
   description = "Counts that do not fall by the number released in exchanges, released persons still on later " ..
      "lists of detainees, and released persons never on the receiving side's own lists.",
   severity = "medium",
   -- the engine resolves the store once for every rule that needs people, with its threshold
   -- and review, and this rule reads that stored resolution
   needs = { "people" },
   params = {
      subject = { type = "string", default = "detainees", values = { "detainees", "remains" },
         description = "what is released and counted: detainees or remains" },
      tolerance = { type = "number", default = 0, min = 0,
         description = "a later count within this much of the expected one is not a finding" },
      still_listed_severity = { type = "string", default = "high", values = vocab.SEVERITIES,
         description = "the severity of a released person still on a later list" },
      unlisted_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity of a released person never on the receiving side's own lists" },
      review_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity of a finding for review: a released person tied to a list entry only by " ..
            "a name or an uncertain match" },
      threshold = { type = "number", min = 0, max = 1,
         description = "the resolution's score at which two entries are the same person (default: parley.names')" },
      review = { type = "number", min = 0, max = 1,
         description = "the resolution's score from which a pair below the threshold is uncertain" },
      max_entries = { type = "integer", default = 50, min = 0,
         description = "entries of each person given in details.people" },
   },
   run = run,
}
