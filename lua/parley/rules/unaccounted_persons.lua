-- SPDX-License-Identifier: MIT
-- unaccounted_persons: people listed as held by a party (on anyone's list of the subject
-- with that holder) whom nothing later from that party accounts for: no list of the holder's
-- own dated at or after their latest listing names them, and the holder released none of
-- them and returned no remains of them at or after it. One finding per holder, the persons in
-- details with every entry behind each. Persons are read from the resolution of people
-- (parley.people): every script, person records, reviewers' decisions; anything that ties an
-- accounting entry to the person, a name alone too, accounts for them (absence from a list is
-- not proof, so the rule errs towards "accounted"), and an uncertain pair to one puts the
-- person in review rather than among the unaccounted. See docs/rules/unaccounted_persons.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local people = require "parley.people"
local records = require "parley.records"
local vocab = require "parley.vocab"

-- The lists of the subject (canonical) with a holder, by id, with their period and whether
-- they are current.
local function lists_of_subject(ctx)
   local vocabulary = ctx.db:vocabulary()
   local gone = kit.superseded(ctx.db, "lists")
   local out, is_subject = {}, {}
   for l in ctx.db:query("SELECT id, claimant, holder, subject, as_of, as_of_start, as_of_end, source, sources " ..
      "FROM lists WHERE holder IS NOT NULL ORDER BY as_of_start, id") do
      local yes = is_subject[l.subject]
      if yes == nil then
         yes = vocabulary:canonical_subject(l.subject) == ctx.params.subject
         is_subject[l.subject] = yes
      end
      if yes and not gone[l.id] then
         out[l.id] = { id = l.id, claimant = l.claimant, holder = l.holder, as_of = l.as_of,
            sources = kit.sources_of(l),
            as_of_period = { first = l.as_of_start, last = l.as_of_end } }
      end
   end
   return out
end

-- The current exchanges by id, with their period.
local function current_exchanges(ctx)
   local gone = kit.superseded(ctx.db, "exchanges")
   local out = {}
   for x in ctx.db:query("SELECT id, date, date_start, date_end FROM exchanges") do
      if not gone[x.id] then
         out[x.id] = { id = x.id, date = x.date, date_period = { first = x.date_start, last = x.date_end } }
      end
   end
   return out
end

-- Whether entry e of a person accounts for them as held by h after period t: on h's own list
-- (claimant and holder h) not certainly before t, or released (the subject) or returned
-- (remains) by h in an exchange not certainly before t. Returns how, or nil.
local function accounts(e, h, t, lists, exchanges, subject)
   if e.kind == "list" then
      local l = lists[e.list]
      if l and l.holder == h and l.claimant == h and not dates.before(l.as_of_period, t) then
         return { how = "listed", list = l.id, claimant = l.claimant, as_of = l.as_of, entry = e.id }
      end
   elseif e.kind == "transfer" and e.from == h and (e.cargo == subject or e.cargo == "remains") then
      local x = exchanges[e.exchange]
      if x and not dates.before(x.date_period, t) then
         return { how = e.cargo == "remains" and "returned" or "released", exchange = x.id, date = x.date,
            to = e.to, entry = e.id }
      end
   end
end

-- One person's listings by holder: {holder -> {entries on lists of that holder, in date order}},
-- listings before `since` (a period) left out.
local function listings(p, lists, since)
   local by_holder, order = {}, {}
   for _, e in ipairs(p.entries) do
      local l = e.kind == "list" and lists[e.list]
      if l and not (since and dates.before(l.as_of_period, since)) then
         if not by_holder[l.holder] then
            by_holder[l.holder] = {}
            order[#order + 1] = l.holder
         end
         table.insert(by_holder[l.holder], { entry = e, list = l })
      end
   end
   return by_holder, order
end

local function run(ctx)
   local p = ctx.params
   local since
   if p.since then
      local parsed, err = dates.parse(p.since)
      if not parsed then error("parameter since: " .. err, 0) end
      since = parsed
   end
   local lists = lists_of_subject(ctx)
   if next(lists) == nil then return end
   local named = ctx.db:first("SELECT count(*) AS n FROM entries e JOIN lists l ON l.id = e.list " ..
      "WHERE l.holder IS NOT NULL")
   if not named or named.n == 0 then return end
   local exchanges = current_exchanges(ctx)
   local resolution = people.resolution(ctx.db, { threshold = p.threshold, review = p.review })
   local ties = kit.identity_ties(resolution, kit.all(records.identities(ctx.db, { current = true })))
   -- the last resort (kit.name_keys): the entries that can account for someone, by holder, each
   -- with its name's key, for a person the resolution left apart from their own release
   local keyer = kit.name_keys()
   local accounting = {}
   for _, e in pairs(resolution.entries) do
      local h
      if e.kind == "list" then
         local l = lists[e.list]
         if l and l.claimant == l.holder then h = l.holder end
      elseif e.kind == "transfer" and exchanges[e.exchange] then
         h = e.from
      end
      local key = h and keyer.key(e.written)
      if key then
         accounting[h] = accounting[h] or keyer.index()
         accounting[h].add(key, e)
      end
   end
   -- whether an entry of the holder's with the person's name (near keys) and no birth year
   -- against the listing accounts for them
   local function named_like(person, h, t, listing)
      local index = accounting[h]
      if not index then return false end
      for _, n in ipairs(person.names) do
         for _, e in ipairs(index.near(keyer.key(n))) do
            if accounts(e, h, t, lists, exchanges, p.subject)
               and ties.open({ entry = listing.id, other_entry = e.id }) then
               return true
            end
         end
      end
      return false
   end
   local by_holder, holders = {}, {}
   local function of(h)
      if not by_holder[h] then
         by_holder[h] = { unaccounted = {}, review = {}, judged = 0 }
         holders[#holders + 1] = h
      end
      return by_holder[h]
   end
   for _, person in ipairs(resolution.people) do
      local held, order = listings(person, lists, since)
      for _, h in ipairs(order) do
         local ls = held[h]
         table.sort(ls, function(a, b)
            if a.list.as_of_period.first ~= b.list.as_of_period.first then
               return a.list.as_of_period.first < b.list.as_of_period.first
            end
            return a.entry.id < b.entry.id
         end)
         local last = ls[#ls]
         local t = last.list.as_of_period
         local accounted
         for _, e in ipairs(person.entries) do
            accounted = accounts(e, h, t, lists, exchanges, p.subject)
            if accounted then break end
         end
         local s = of(h)
         s.judged = s.judged + 1
         if not accounted then
            -- an uncertain pair to an entry that would account for them: for review
            local maybe
            for _, u in ipairs(person.uncertain) do
               local other = resolution.entries[u.other_entry]
               local how = other and ties.open(u) and accounts(other, h, t, lists, exchanges, p.subject)
               if how then
                  how.score, how.via, how.other_person = u.score, u.entry, u.other
                  maybe = how
                  break
               end
            end
            local item = { person = person, listings = ls, last = last, maybe = maybe }
            if maybe then
               s.review[#s.review + 1] = item
            elseif not named_like(person, h, t, last.entry) then
               s.unaccounted[#s.unaccounted + 1] = item
            end
         end
      end
   end
   table.sort(holders)
   for _, h in ipairs(holders) do
      local s = by_holder[h]
      if #s.unaccounted + #s.review > 0 then
         local lids, pids, parties, said, sources = {}, {}, { h }, {}, {}
         local function describe(item)
            local d = kit.person_details(item.person, p.max_entries)
            local l = item.last.list
            d.last_listed = { entry = item.last.entry.id, list = l.id, claimant = l.claimant, as_of = l.as_of }
            d.lists = {}
            for k, x in ipairs(item.listings) do d.lists[k] = x.list.id end
            d.maybe = item.maybe
            return d
         end
         for k, item in ipairs(s.unaccounted) do
            pids[#pids + 1] = item.person.id
            for _, x in ipairs(item.listings) do
               lids[#lids + 1] = x.list.id
               parties[#parties + 1] = x.list.claimant
               for _, src in ipairs(x.list.sources) do sources[#sources + 1] = src end
            end
            if k <= p.max_details then
               local l = item.last.list
               said[#said + 1] = string.format("%s (%s's %s, %s)", item.last.entry.written or item.person.names[1] or
                  item.person.id, l.claimant, l.id, l.as_of)
            end
         end
         -- at most max_details of each kind, and only as many as fit the details' size limit
         local room = kit.room()
         local persons, persons_out = room.fit(s.unaccounted, describe, p.max_details)
         local review, review_out = room.fit(s.review, describe, p.max_details)
         local n, m = #s.unaccounted, #s.review
         local message
         if n > 0 then
            message = string.format("%d person%s listed as held by %s %s not accounted for by %s: no later list of " ..
               "%s's own, no release and no return names them: %s%s", n, n == 1 and "" or "s", h,
               n == 1 and "is" or "are", h, h, kit.listing(said, "; "),
               m > 0 and string.format("; %d more for review (an uncertain match would account for them)", m) or "")
         else
            for _, item in ipairs(s.review) do pids[#pids + 1] = item.person.id end
            for _, item in ipairs(s.review) do
               for _, x in ipairs(item.listings) do
                  lids[#lids + 1] = x.list.id
                  for _, src in ipairs(x.list.sources) do sources[#sources + 1] = src end
               end
            end
            message = string.format("%d person%s listed as held by %s would be unaccounted for unless an uncertain " ..
               "match of names is the same person: for review", m, m == 1 and "" or "s", h)
         end
         ctx:finding({
            severity = n > 0 and p.severity or p.review_severity,
            message = message,
            evidence = { lists = kit.ids(lids), persons = kit.ids(pids), parties = kit.ids(parties),
               sources = #sources > 0 and kit.ids(sources) or nil },
            measures = { unaccounted = n, review = m, judged = s.judged },
            details = { kind = n > 0 and "unaccounted" or "review", holder = h, people = persons,
               for_review = review, truncated = (persons_out + review_out > 0) or nil,
               left_out = persons_out + review_out > 0 and { people = persons_out, for_review = review_out } or nil,
               since = p.since, resolution = { version = resolution.version, decisions = #resolution.decisions } },
         })
      end
   end
end

return {
   id = "unaccounted_persons",
   version = "1.1.0",
   description = "People listed as held by a party whom no later list of that party, no release and no return " ..
      "accounts for, one finding per holder.",
   severity = "medium",
   -- the engine resolves the store once for every rule that needs people, with its threshold
   -- and review, and this rule reads that stored resolution
   needs = { "people" },
   params = {
      subject = { type = "string", default = "detainees", values = { "detainees", "remains" },
         description = "the lists read: of detainees (or its synonyms), or of remains" },
      since = { type = "string",
         description = "listings dated certainly before this date are not judged (default: every listing)" },
      severity = { type = "string", default = "medium", values = vocab.SEVERITIES,
         description = "when some persons are unaccounted for" },
      review_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "when the only persons left would be accounted for by an uncertain match" },
      threshold = { type = "number", min = 0, max = 1,
         description = "the resolution's score at which two entries are the same person (default: parley.names')" },
      review = { type = "number", min = 0, max = 1,
         description = "the resolution's score from which a pair below the threshold is uncertain" },
      max_details = { type = "integer", default = 200, min = 0,
         description = "persons given in the details, each kind" },
      max_entries = { type = "integer", default = 20, min = 0,
         description = "entries of each person given in the details" },
   },
   run = run,
}
