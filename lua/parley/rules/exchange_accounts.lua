-- SPDX-License-Identifier: MIT
-- exchange_accounts: the competing accounts of an exchange (claims and lists that name it with
-- `exchange:`) against each other and against the exchange record, the dataset author's best
-- reading of what moved. Three kinds of finding:
--   count:       accounts of one direction (from, to), cargo and scope whose counts, read as
--                ranges, cannot all be true together, or that the record's number is outside of;
--   unattested:  a transfer of the record (direction and cargo) that no account of the exchange
--                mentions; unrecorded: an account of a direction and cargo the record has no
--                transfer for;
--   persons:     two lists of the exchange's persons (or a list and the record's named persons)
--                of one cargo, each naming persons the other does not: persons as the
--                resolution of people (parley.people) has them, so one person spelled two
--                ways, in two scripts, is one person; a person the other account may name
--                under a name of an uncertain match is for review, not missing.
-- See docs/rules/exchange_accounts.md.
local kit = require "parley.rulekit"
local people = require "parley.people"
local records = require "parley.records"
local vocab = require "parley.vocab"

-- The cargo of a transfer an account's canonical subject speaks of (first match), or nil.
local CARGO = {
   { "^detainees", "detainees" }, { "^prisoners_of_war", "detainees" }, { "^hostages", "detainees" },
   { "^remains", "remains" }, { "^mine_maps", "mine_maps" }, { "^mines", "mines" },
}
local CARGO_WORDS = { detainees = "detainees", remains = "remains", mine_maps = "mine maps", mines = "mapped mines" }

local function cargo_of(subject)
   for _, c in ipairs(CARGO) do
      if subject:find(c[1]) then return c[2] end
   end
end

-- An account's direction: from and to, else who held them (holder) and whose they are (about).
local function direction(r)
   local from, to = r.from or r.holder, r.to or r.about
   if from or to then return (from or "?") .. ">" .. (to or "?"), from, to end
end

-- What the record says moved, by direction and cargo: {count, by_scope (canonical tags) or nil,
-- entries (the ids of its named persons as entries, records.transfer_entry_id)}; maps as their
-- number and the mines they record (nil when a map gives none).
local function recorded(x, v)
   local out, order = {}, {}
   local function slot(t, cargo)
      local key = t.from .. ">" .. t.to .. "\0" .. cargo
      if not out[key] then
         out[key] = { key = key, from = t.from, to = t.to, cargo = cargo, count = 0, entries = {} }
         order[#order + 1] = key
      end
      return out[key]
   end
   for ti, t in ipairs(x.transfers or {}) do
      for _, cargo in ipairs({ "detainees", "remains" }) do
         local c = t[cargo]
         if c then
            local r = slot(t, cargo)
            r.count = r.count + c.count
            for i in ipairs(c.persons or {}) do
               r.entries[#r.entries + 1] = records.transfer_entry_id(x.id, ti, cargo, i)
            end
            if c.by_scope then
               r.by_scope = r.by_scope or {}
               for tag, n in pairs(c.by_scope) do
                  local canonical = v:scope(tag) or tag
                  r.by_scope[canonical] = (r.by_scope[canonical] or 0) + n
               end
            end
         end
      end
      if t.mine_maps and #t.mine_maps > 0 then
         local maps, mines = slot(t, "mine_maps"), slot(t, "mines")
         maps.count = maps.count + #t.mine_maps
         for _, m in ipairs(t.mine_maps) do
            if m.mines and mines.count then mines.count = mines.count + m.mines else mines.count = nil end
         end
      end
   end
   return out, order
end

-- The record's number for accounts of `scope` (canonical tags; empty: the whole count): the
-- sum of its by_scope parts for those tags, or nil when the record does not split so.
local function recorded_for(r, scope)
   if not r or r.count == nil then return nil end
   if #scope == 0 then return r.count end
   if not r.by_scope then return nil end
   local sum = 0
   for _, tag in ipairs(scope) do
      if r.by_scope[tag] == nil then return nil end
      sum = sum + r.by_scope[tag]
   end
   return sum
end

local function says(c) return string.format("%s says %s (%s)", c.claimant, kit.say(c.count), c.id) end

-- Accounts of one direction, cargo and scope: a finding when their ranges (and the record's
-- number) cannot all meet.
local function check_counts(ctx, x, group, rec_value, sources)
   local p = ctx.params
   local lows, highs, best = {}, {}, {}
   for i, c in ipairs(group.accounts) do
      best[i], lows[i], highs[i] = kit.range(c.count, p.approx_margin)
   end
   if rec_value then lows[#lows + 1], highs[#highs + 1], best[#best + 1] = rec_value, rec_value, rec_value end
   if #lows < 2 then return end
   local max_low, min_high = math.max(table.unpack(lows)), math.min(table.unpack(highs))
   if max_low <= min_high then return end
   local said, claim_ids, claimants = {}, {}, {}
   for i, c in ipairs(group.accounts) do
      said[i] = says(c)
      claim_ids[i] = c.id
      claimants[i] = c.claimant
   end
   local scope = group.scope
   ctx:finding({
      message = string.format("%s (%s), %s%s from %s to %s: %s: %s; the exchange record says %s",
         x.id, x.date, CARGO_WORDS[group.cargo], #scope > 0 and (" (" .. kit.scope_words(scope) .. ")") or "",
         group.from or "?", group.to or "?",
         #said > 1 and "the accounts differ" or "the account differs from the record", table.concat(said, ", "),
         rec_value and kit.num(rec_value) or "no number for this"),
      evidence = { exchanges = { x.id }, claims = claim_ids, sources = sources(group.accounts),
         parties = kit.ids(claimants) },
      measures = { accounts = #group.accounts, low = math.min(table.unpack(best)), high = math.max(table.unpack(best)),
         recorded = rec_value },
      details = { kind = "count", cargo = group.cargo, from = group.from, to = group.to, scope = scope },
   })
end

-- The persons of an account's entries (their ids: records.list_entry_id, transfer_entry_id):
-- {person id -> the name the account writes}, and the person ids in the account's order.
local function persons_of(resolution, ids)
   local set, order = {}, {}
   for _, id in ipairs(ids) do
      local e = resolution.entries[id] or { id = id }
      local p = resolution.by_entry[id]
      local k = p and p.id or id
      if not set[k] then
         set[k] = e.written or (p and p.names[1]) or e.person or e.id
         order[#order + 1] = k
      end
   end
   return set, order
end

-- Two accounts' persons: those one names and the other does not, but for a person with an open
-- uncertain pair (kit.identity_ties) to one only the other names: the two may be one person
-- (for review, not missing).
local function compare_persons(ctx, x, a, b, sources, resolution, ties)
   local sa, oa = persons_of(resolution, a.entries)
   local sb, ob = persons_of(resolution, b.entries)
   local only_a, only_b, shared = {}, {}, 0
   local ka, kb = {}, {}
   for _, k in ipairs(oa) do
      if sb[k] then shared = shared + 1 else ka[#ka + 1] = k end
   end
   for _, k in ipairs(ob) do
      if not sa[k] then kb[#kb + 1] = k end
   end
   if #ka == 0 and #kb == 0 then return end
   local missing_b = {}
   for _, k in ipairs(kb) do missing_b[k] = true end
   -- pairs of one person named only by a and one only by b that may be one person
   local uncertain, maybe = {}, {}
   for _, k in ipairs(ka) do
      local p = resolution.by_id[k]
      for _, u in ipairs(p and p.uncertain or {}) do
         if missing_b[u.other] and ties.open(u) then
            uncertain[#uncertain + 1] = { first = sa[k], second = sb[u.other], score = u.score }
            maybe[k], maybe[u.other] = true, true
         end
      end
   end
   for _, k in ipairs(ka) do
      if not maybe[k] then only_a[#only_a + 1] = sa[k] end
   end
   for _, k in ipairs(kb) do
      if not maybe[k] then only_b[#only_b + 1] = sb[k] end
   end
   local function who(s) return s.list and (s.claimant .. "'s list " .. s.list) or "the exchange record" end
   local function part(s, only, other)
      if #only == 0 then return nil end
      return string.format("%s names %d the %s does not (%s)", who(s), #only, other.list and "other" or "record",
         kit.listing(only, ", ", ctx.params.max_names))
   end
   local parts = {}
   parts[#parts + 1] = part(a, only_a, b)
   parts[#parts + 1] = part(b, only_b, a)
   local review = #only_a == 0 and #only_b == 0
   if #uncertain > 0 then
      local said = {}
      for i, u in ipairs(uncertain) do said[i] = u.first .. " / " .. u.second end
      parts[#parts + 1] = string.format("%d pair%s may be one person, for review (%s)", #uncertain,
         #uncertain == 1 and "" or "s", kit.listing(said, ", ", ctx.params.max_names))
   end
   local lists = {}
   if a.list then lists[#lists + 1] = a.list end
   if b.list then lists[#lists + 1] = b.list end
   ctx:finding({
      severity = review and ctx.params.review_severity or nil,
      message = string.format("%s (%s), %s: %s; %d named by both", x.id, x.date, CARGO_WORDS[a.cargo],
         table.concat(parts, "; "), shared),
      evidence = { exchanges = { x.id }, lists = lists, sources = sources({ a.record, b.record }),
         parties = kit.ids({ a.claimant, b.claimant }) },
      measures = { only_first = #only_a, only_second = #only_b, shared = shared, uncertain = #uncertain },
      details = { kind = "persons", cargo = a.cargo, only_first = only_a, only_second = only_b,
         uncertain = #uncertain > 0 and uncertain or nil,
         resolution = { version = resolution.version, decisions = #resolution.decisions } },
   })
end

-- Every account of exchange x against the others and the record.
local function check_exchange(ctx, x, claims, lists, v, who)
   local p = ctx.params
   local rec, rec_order = recorded(x, v)
   local function sources(accounts)
      local out = {}
      for _, r in ipairs(accounts) do
         if r then
            for _, s in ipairs(kit.sources_of(r)) do out[#out + 1] = s end
         end
      end
      for _, s in ipairs(x.sources or {}) do out[#out + 1] = s end
      local ids = kit.ids(out)
      return #ids > 0 and ids or nil
   end
   -- the accounts by direction, cargo and scope
   local groups, order, mentioned = {}, {}, {}
   for _, c in ipairs(claims) do
      local cargo = cargo_of(kit.canonical(c).subject)
      local dir, from, to = direction(c)
      if cargo then
         mentioned[(dir or "") .. "\0" .. cargo] = true
         mentioned["\0" .. cargo] = true
         if cargo == "mines" then mentioned[(dir or "") .. "\0mine_maps"] = true end
         if cargo == "mine_maps" then mentioned[(dir or "") .. "\0mines"] = true end
         if dir and not rec[from .. ">" .. (to or "") .. "\0" .. cargo] and not (cargo == "mines" and
            rec[from .. ">" .. (to or "") .. "\0mine_maps"]) then
            ctx:finding({
               severity = p.unattested_severity,
               message = string.format("%s (%s): %s says %s moved from %s to %s (%s); the exchange record has no " ..
                  "such transfer", x.id, x.date, c.claimant, CARGO_WORDS[cargo], from or "?", to or "?", c.id),
               evidence = { exchanges = { x.id }, claims = { c.id }, sources = sources({ c }),
                  parties = { c.claimant } },
               details = { kind = "unrecorded", cargo = cargo, from = from, to = to },
            })
         elseif dir and c.count then
            local scope = kit.scope_of(c)
            local key = dir .. "\0" .. cargo .. "\0" .. table.concat(scope, ",")
            if not groups[key] then
               groups[key] = { from = from, to = to, cargo = cargo, scope = scope, accounts = {}, rec = rec[dir ..
                  "\0" .. cargo] }
               order[#order + 1] = key
            end
            table.insert(groups[key].accounts, c)
         end
      end
   end
   for _, key in ipairs(order) do
      local g = groups[key]
      check_counts(ctx, x, g, recorded_for(g.rec, g.scope), sources)
   end
   -- lists name the persons who moved
   local named = {}
   for _, l in ipairs(lists) do
      local cargo = cargo_of(kit.canonical(l).subject)
      if cargo then
         local dir = direction(l)
         mentioned[(dir or "") .. "\0" .. cargo] = true
         mentioned["\0" .. cargo] = true
         local entries = {}
         for i in ipairs(l.persons or {}) do entries[i] = records.list_entry_id(l.id, i) end
         named[#named + 1] = { list = l.id, claimant = l.claimant, cargo = cargo, dir = dir, entries = entries,
            record = l }
      end
   end
   if #claims + #lists == 0 then return end
   -- what the record has that no account mentions
   for _, key in ipairs(rec_order) do
      local r = rec[key]
      local dir = r.from .. ">" .. r.to
      if r.cargo ~= "mines" and not mentioned[dir .. "\0" .. r.cargo] and not mentioned["\0" .. r.cargo] then
         local mines = r.cargo == "mine_maps" and rec[dir .. "\0mines"]
         ctx:finding({
            severity = p.unattested_severity,
            message = string.format("%s (%s): the record's transfer of %s from %s to %s (%s) is in no account of " ..
               "the exchange", x.id, x.date, CARGO_WORDS[r.cargo], r.from, r.to,
               r.cargo == "mine_maps" and string.format("%d map%s%s", r.count, r.count == 1 and "" or "s",
                  mines and mines.count and (", " .. kit.num(mines.count) .. " mines") or "")
               or kit.num(r.count)),
            evidence = { exchanges = { x.id }, sources = sources({}), parties = kit.ids({ r.from, r.to }) },
            measures = { recorded = r.count },
            details = { kind = "unattested", cargo = r.cargo, from = r.from, to = r.to },
         })
      end
      if #r.entries > 0 and r.cargo ~= "mine_maps" then
         named[#named + 1] = { claimant = nil, cargo = r.cargo, dir = dir, entries = r.entries }
      end
   end
   -- persons named by one account and not another, pairwise, of one cargo and direction
   for i = 1, #named do
      for j = i + 1, #named do
         local a, b = named[i], named[j]
         if a.cargo == b.cargo and (not a.dir or not b.dir or a.dir == b.dir) and (a.list or b.list) then
            compare_persons(ctx, x, a, b, sources, who.resolution(), who.ties())
         end
      end
   end
end

-- The resolution of people and the ties of kit.identity_ties, read only when an exchange has
-- two accounts of persons to compare.
local function persons_reader(ctx)
   local resolution, ties
   local reader = {}
   function reader.resolution()
      resolution = resolution or people.resolution(ctx.db, { threshold = ctx.params.threshold,
         review = ctx.params.review })
      return resolution
   end
   function reader.ties()
      ties = ties or kit.identity_ties(reader.resolution(), kit.all(records.identities(ctx.db, { current = true })))
      return ties
   end
   return reader
end

local function run(ctx)
   local v = ctx.db:vocabulary()
   local gone_x, gone_c, gone_l = kit.superseded(ctx.db, "exchanges"), kit.superseded(ctx.db, "claims"),
      kit.superseded(ctx.db, "lists")
   local claims_of, lists_of = {}, {}
   for c in ctx.db:claims() do
      if c.exchange and not gone_c[c.id] then
         claims_of[c.exchange] = claims_of[c.exchange] or {}
         table.insert(claims_of[c.exchange], c)
      end
   end
   for l in ctx.db:lists() do
      if l.exchange and not gone_l[l.id] then
         lists_of[l.exchange] = lists_of[l.exchange] or {}
         table.insert(lists_of[l.exchange], l)
      end
   end
   local who = persons_reader(ctx)
   for x in ctx.db:exchanges() do
      if not gone_x[x.id] and (claims_of[x.id] or lists_of[x.id]) then
         check_exchange(ctx, x, claims_of[x.id] or {}, lists_of[x.id] or {}, v, who)
      end
   end
end

return {
   id = "exchange_accounts",
   version = "2.0.0",
   description = "The competing accounts of an exchange (claims and lists naming it) against each other and the " ..
      "exchange record: counts that differ, transfers no account mentions, persons named by one and not another.",
   severity = "medium",
   -- the engine resolves the store once for every rule that needs people, with its threshold
   -- and review, and this rule reads that stored resolution
   needs = { "people" },
   params = {
      approx_margin = { type = "number", default = 0.1, min = 0, max = 1,
         description = "the range given to an approximate count with no low or high of its own" },
      unattested_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity of a transfer no account mentions, or an account of one the record lacks" },
      max_names = { type = "integer", default = 10, min = 1,
         description = "the names a persons finding lists in its message (details give them all)" },
      review_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "when the only persons one account names and the other does not may be one person " ..
            "(an uncertain match)" },
      threshold = { type = "number", min = 0, max = 1,
         description = "the resolution's score at which two entries are the same person (default: parley.names')" },
      review = { type = "number", min = 0, max = 1,
         description = "the resolution's score from which a pair below the threshold is uncertain" },
   },
   run = run,
}
