-- SPDX-License-Identifier: MIT
-- self_contradiction: a party's assertion contradicted by its own later claim or act.
--   denial:   it said mine maps do not exist (mine_maps_exist: false), then handed maps over
--             (a transfer from that party with mine_maps, certainly after the claim's as_of);
--   reversal: its count of the same subject, holder, about and region and of the same
--             canonical scope (one series, kit.series_key) went down and then up, or up after a
--             release from the holder, with no exchange between the two claims that brought that
--             cargo to the holder; a part of its own total is never set against the total;
--   flip:     it asserted a value false, and later true (same subject, holder, about, region).
-- See docs/rules/self_contradiction.md.
local dates = require "parley.dates"
local json = require "parley.json"
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"
local superseded, listing, best_of, say, ids = kit.superseded, kit.listing, kit.best, kit.say, kit.ids

local function what_of(c)
   return c.subject .. (c.holder and (" held by " .. c.holder) or "") .. (c.about and (", about " .. c.about) or "") ..
      (c.region and (" in " .. c.region) or "")
end

-- An assertion's series: its claimant on its canonical subject, holder, about and region.
local function assertion_key(c)
   return table.concat({ c.claimant, kit.count_key(c) }, "\1")
end

----------------------------------------------------------------------------- denial

-- Adds a handover to a list in date order, with its reach (the latest last day up to it,
-- which only grows: a binary search on it finds the first handover that can follow a date).
local function add_handover(list, x, maps)
   local reach = x.date_period.last
   if #list > 0 and list[#list].reach > reach then reach = list[#list].reach end
   list[#list + 1] = { x = x, maps = maps, reach = reach }
end

-- Handovers of maps by party, in date order (exchanges come by their first day), all of them
-- and by region (each with that region's maps only): { [party] = { all = { {x=, maps=,
-- reach=}, ... }, by_region = { [region] = { ... } } } }, so a regional denial looks only at
-- its region's handovers.
local function handovers(exchanges, v)
   local handed = {}
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers) do
         if t.mine_maps then
            local h = handed[t.from] or { all = {}, by_region = {} }
            handed[t.from] = h
            add_handover(h.all, x, t.mine_maps)
            local of_region = {}
            for _, m in ipairs(t.mine_maps) do
               m.places = kit.regions_of(m, v) -- declared places: a variant is its place
               for _, r in ipairs(m.places) do
                  of_region[r] = of_region[r] or {}
                  table.insert(of_region[r], m)
               end
            end
            for region, maps in pairs(of_region) do
               h.by_region[region] = h.by_region[region] or {}
               add_handover(h.by_region[region], x, maps)
            end
         end
      end
   end
   return handed
end

-- The maps of one handover that a denial covers (of its region, when it has one): how many,
-- their mines, and their regions added to `regions` (seen_region keeps them distinct).
local function maps_denied(c, h, regions, seen_region)
   local n, mines = 0, 0
   for _, m in ipairs(h.maps) do
      local region = c.region and (kit.canonical(c).region or c.region)
      local of_it = not region
      for _, r in ipairs(m.places) do of_it = of_it or r == region end
      if of_it then
         n = n + 1
         mines = mines + (m.mines or 0)
         local label = table.concat(m.places, " + ")
         if not seen_region[label] then
            seen_region[label] = true
            regions[#regions + 1] = label
         end
      end
   end
   return n, mines
end

-- The handovers of the claimant's maps after denial c (certainly after it, or with
-- include_overlapping when the dates can overlap), with the maps, mines and regions in them.
local function handovers_after(c, handed, include_overlapping)
   local after, maps, mines, regions, seen_region = {}, 0, 0, {}, {}
   local list = c.region and (handed.by_region[kit.canonical(c).region or c.region] or {}) or handed.all
   local lo, hi = 1, #list + 1
   while lo < hi do -- the first handover whose date can be the denial's or after it
      local mid = (lo + hi) // 2
      if list[mid].reach < c.as_of_period.first then lo = mid + 1 else hi = mid end
   end
   for i = lo, #list do
      local h = list[i]
      local certain = dates.before(c.as_of_period, h.x.date_period)
      if certain or (include_overlapping and dates.overlap(c.as_of_period, h.x.date_period)) then
         local n, m = maps_denied(c, h, regions, seen_region)
         mines = mines + m
         if n > 0 then
            maps = maps + n
            after[#after + 1] = { x = h.x, certain = certain }
         end
      end
   end
   table.sort(regions)
   return after, maps, mines, regions
end

local function report_denial(ctx, c, after, maps, mines, regions)
   local p = ctx.params
   local first = after[1]
   local xids, more = {}, {}
   for k, a in ipairs(after) do
      xids[k] = a.x.id
      if k > 1 then more[#more + 1] = a.x.id end
   end
   ctx:finding({
      severity = p.denial_severity,
      message = string.format("%s denied that mine maps exist%s (%s, %s), then handed over %d map%s " ..
         "(%s: %s) on %s in exchange %s%s%s", c.claimant, c.region and (" for " .. c.region) or "",
         c.id, c.as_of, maps, maps == 1 and "" or "s", listing(regions),
         mines > 0 and string.format("%d mines", mines) or "number of mines not given",
         first.x.date, first.x.id,
         first.certain and "" or " (the dates overlap: the denial may have come after)",
         #more > 0 and ("; later handovers: " .. listing(more)) or ""),
      evidence = { claims = { c.id }, exchanges = { first.x.id },
         sources = ids(kit.sources_of(c), first.x.sources or {}), parties = { c.claimant } },
      measures = { maps = maps, mines = mines, certain = first.certain and 1 or 0 },
      -- capped, so that details stay well within their 64 KiB
      details = { kind = "denial", exchanges = { table.unpack(xids, 1, math.min(#xids, 200)) },
         exchanges_total = #xids, regions = { table.unpack(regions, 1, math.min(#regions, 200)) } },
   })
end

local function denials(ctx, claims, exchanges)
   local p = ctx.params
   local handed = handovers(exchanges, ctx.db:vocabulary())
   local maps_subject = ctx.db:vocabulary():canonical_subject(p.maps_subject) -- a synonym names it too
   for _, c in ipairs(claims) do
      if kit.canonical(c).subject == maps_subject and c.value == false and handed[c.claimant] then
         local after, maps, mines, regions = handovers_after(c, handed[c.claimant], p.include_overlapping)
         if #after > 0 then report_denial(ctx, c, after, maps, mines, regions) end
      end
   end
end

----------------------------------------------------------------------------- reversal

-- Exchanges that moved `cargo` from or to a party, in date order (exchanges come by their
-- first day), each with its reach (the latest last day up to it, which only grows):
-- { [party] = { {x=, count=, reach=}, ... } }.
local function movements(exchanges, cargo, dir)
   local out = {}
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers) do
         if t[cargo] then
            local party = dir == "from" and t.from or t.to
            local l = out[party] or {}
            out[party] = l
            local reach = x.date_period.last
            if #l > 0 and l[#l].reach > reach then reach = l[#l].reach end
            l[#l + 1] = { x = x, count = t[cargo].count, reach = reach }
         end
      end
   end
   return out
end

-- Movements of the holder's cargo that can fall between claims a and b (not certainly before
-- a, not certainly after b): a binary search on the reach finds the first that can, and the
-- walk stops at the first certainly after b, so a series walks only the movements near it.
local function between(list, a, b)
   local out, total = {}, 0
   list = list or {}
   local lo, hi = 1, #list + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if list[mid].reach < a.as_of_period.first then lo = mid + 1 else hi = mid end
   end
   for i = lo, #list do
      local m = list[i]
      if dates.before(b.as_of_period, m.x.date_period) then break end
      if not dates.before(m.x.date_period, a.as_of_period) then
         out[#out + 1] = m
         total = total + m.count
      end
   end
   return out, total
end

local function report_reversal(ctx, before, prev, cur, fell, rise, cargo, out, total)
   local evidence_claims = fell and { before.id, prev.id, cur.id } or { prev.id, cur.id }
   local xids = {}
   for k, m in ipairs(out) do xids[k] = m.x.id end
   local why
   if fell then
      why = string.format("went down from %s (%s, %s) to %s (%s, %s) and back up to %s (%s, %s)",
         say(before.count), before.id, before.as_of, say(prev.count), prev.id, prev.as_of,
         say(cur.count), cur.id, cur.as_of)
   else
      why = string.format("went up from %s (%s, %s) to %s (%s, %s)", say(prev.count), prev.id,
         prev.as_of, say(cur.count), cur.id, cur.as_of)
   end
   if total > 0 then
      why = why .. string.format(" although %s released %d in %s between them", cur.holder, total,
         listing(xids))
   end
   local sources = ids(kit.sources_of(cur), kit.sources_of(prev), fell and kit.sources_of(before) or {})
   ctx:finding({
      message = string.format("%s's count of %s (%s) %s, with no exchange bringing %s to %s between them",
         cur.claimant, what_of(cur), kit.scope_words(kit.scope_of(cur)), why, cargo or kit.canonical(cur).subject,
         cur.holder or "the holder"),
      evidence = { claims = evidence_claims, exchanges = #xids > 0 and xids or nil,
         sources = ids(sources), parties = { cur.claimant } },
      measures = { rise = rise, fall = fell and (best_of(before.count) - best_of(prev.count)) or nil,
         released = total },
      details = { kind = "reversal", scope = kit.scope_of(cur) },
   })
end

-- The rise from series[i - 1] to series[i]: a finding when no exchange that can fall between
-- them brought the cargo to the holder, and the count fell just before or the holder released
-- that cargo between them.
local function check_rise(ctx, series, i, released, received)
   local p = ctx.params
   local before, prev, cur = series[i - 2], series[i - 1], series[i]
   local rise = best_of(cur.count) - best_of(prev.count)
   if rise < p.min_change then return end
   local subject = kit.canonical(cur).subject
   local cargo = (subject == "detainees" or subject == "remains") and subject or nil
   local moved = cargo and cur.holder
   if moved and #between(received[cargo][cur.holder], prev, cur) > 0 then return end
   local fell = before and best_of(before.count) - best_of(prev.count) >= p.min_change
   local out, total = {}, 0
   if moved then out, total = between(released[cargo][cur.holder], prev, cur) end
   if fell or total > 0 then report_reversal(ctx, before, prev, cur, fell, rise, cargo, out, total) end
end

local function reversals(ctx, claims, exchanges)
   local counted = {}
   for _, c in ipairs(claims) do
      if c.count then counted[#counted + 1] = c end
   end
   kit.breakdowns(counted)
   -- a part stating no scope of its own is in no series: it would stand for its total
   local in_series = {}
   for _, c in ipairs(counted) do
      if kit.canonical(c).kind == "stock" and not kit.unscoped_part(c) then in_series[#in_series + 1] = c end
   end
   local released, received = {}, {}
   for _, cargo in ipairs({ "detainees", "remains" }) do
      released[cargo] = movements(exchanges, cargo, "from")
      received[cargo] = movements(exchanges, cargo, "to")
   end
   local groups, order = kit.group(in_series, kit.series_key)
   local function tie(slot)
      local tied = {}
      for k, c in ipairs(slot) do tied[k] = c.id end
      table.sort(tied)
      ctx.log(string.format("%s: left out of the series, they give different counts for the same date",
         table.concat(tied, ", ")))
   end
   for _, key in ipairs(order) do
      local series = kit.series(groups[key], tie) -- each claim certainly after the one before
      for i = 2, #series do check_rise(ctx, series, i, released, received) end
   end
end

----------------------------------------------------------------------------- flip

-- The first claim after g[i] (a false) in its group that asserts true, certainly later.
local function first_true_after(g, i)
   for j = i + 1, #g do
      local t = g[j]
      if t.value == true and dates.before(g[i].as_of_period, t.as_of_period) then return t end
   end
end

local function flips(ctx, claims)
   local valued = {}
   for _, c in ipairs(claims) do
      if c.value == false or c.value == true then valued[#valued + 1] = c end
   end
   local groups, order = kit.group(valued, assertion_key)
   for _, key in ipairs(order) do
      local g = groups[key]
      for i, f in ipairs(g) do
         local t = f.value == false and first_true_after(g, i)
         if t then
            ctx:finding({
               message = string.format("%s asserted %s false (%s, %s) and later true (%s, %s)", f.claimant,
                  what_of(f), f.id, f.as_of, t.id, t.as_of),
               evidence = { claims = { f.id, t.id }, sources = ids(kit.sources_of(f), kit.sources_of(t)),
                  parties = { f.claimant } },
               details = { kind = "flip" },
            })
         end
      end
   end
end

----------------------------------------------------------------------------- reading

-- The current exchanges in date order with only what the rule reads: id, date and its period,
-- sources, and transfers (from, to, the detainees and remains counts, the mine maps' region and
-- mines). Plain SQL: the exchanges iterator would build every named person released first,
-- which on a large store is most of the memory a rule may use.
local function current_exchanges(ctx)
   local gone = superseded(ctx.db, "exchanges")
   local exchanges, by_id, transfer_of = {}, {}, {}
   for r in ctx.db:query("SELECT id, date, date_start, date_end FROM exchanges ORDER BY date_start, id") do
      if not gone[r.id] then
         local x = { id = r.id, date = r.date, date_period = { first = r.date_start, last = r.date_end },
            transfers = {} }
         exchanges[#exchanges + 1] = x
         by_id[x.id] = x
      end
   end
   for r in ctx.db:query("SELECT exchange, source FROM exchange_sources ORDER BY exchange, position") do
      local x = by_id[r.exchange]
      if x then
         x.sources = x.sources or {}
         x.sources[#x.sources + 1] = r.source
      end
   end
   for r in ctx.db:query("SELECT id, exchange, from_party, to_party, detainees, remains FROM transfers " ..
      "ORDER BY exchange, position") do
      local x = by_id[r.exchange]
      if x then
         local t = { from = r.from_party, to = r.to_party, detainees = r.detainees and { count = r.detainees },
            remains = r.remains and { count = r.remains } }
         x.transfers[#x.transfers + 1] = t
         transfer_of[r.id] = t
      end
   end
   for r in ctx.db:query("SELECT transfer, region, regions, mines FROM mine_maps ORDER BY transfer, position") do
      local t = transfer_of[r.transfer]
      if t then
         t.mine_maps = t.mine_maps or {}
         -- a map of several regions together is of each of them (kit.regions_of)
         t.mine_maps[#t.mine_maps + 1] = { region = not r.regions and r.region or nil,
            regions = r.regions and json.decode(r.regions) or nil, mines = r.mines }
      end
   end
   return exchanges
end

local function run(ctx)
   local claims = {}
   local gone_c = superseded(ctx.db, "claims")
   for c in ctx.db:claims() do
      if not gone_c[c.id] then claims[#claims + 1] = c end
   end
   local exchanges = current_exchanges(ctx)
   denials(ctx, claims, exchanges)
   reversals(ctx, claims, exchanges)
   flips(ctx, claims)
end

return {
   id = "self_contradiction",
   version = "2.0.0",
   description = "A party's assertion contradicted by its own later claim or act: mine maps denied and then " ..
      "handed over, counts that reverse without an exchange to explain it, a value asserted false and later true.",
   severity = "medium",
   params = {
      maps_subject = { type = "string", default = "mine_maps_exist",
         description = "the subject of claims that mine maps exist (value true or false)" },
      denial_severity = { type = "string", default = "high", values = vocab.SEVERITIES,
         description = "the severity of a denial of mine maps followed by a handover of maps by the same party" },
      include_overlapping = { type = "boolean", default = false,
         description = "also report a handover whose date can fall within the denial's as_of (the denial may " ..
            "have come after it)" },
      min_change = { type = "number", default = 1, min = 1,
         description = "a count goes up or down only when its best value changes by at least this much" },
   },
   run = run,
}
