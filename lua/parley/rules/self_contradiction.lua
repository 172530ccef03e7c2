-- SPDX-License-Identifier: MIT
-- self_contradiction: a party's assertion contradicted by its own later claim or act.
--   denial:   it said mine maps do not exist (mine_maps_exist: false), then handed maps over
--             (a transfer from that party with mine_maps, certainly after the claim's as_of);
--   reversal: its count of the same subject, holder, about and region went down and then up,
--             or up after a release from the holder, with no exchange between the two claims
--             that brought that cargo to the holder;
--   flip:     it asserted a value false, and later true (same subject, holder, about, region).
-- See docs/rules/self_contradiction.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"
local superseded, listing, best_of, say, ids = kit.superseded, kit.listing, kit.best, kit.say, kit.ids

local function what_of(c)
   return c.subject .. (c.holder and (" held by " .. c.holder) or "") .. (c.about and (", about " .. c.about) or "") ..
      (c.region and (" in " .. c.region) or "")
end

local function series_key(c)
   return table.concat({ c.claimant, c.subject, c.holder or "", c.about or "", c.region or "" }, "\0")
end

----------------------------------------------------------------------------- denial

-- Handovers of maps by party, in date order: { [party] = { {x=, maps=}, ... } }.
local function handovers(exchanges)
   local handed = {}
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers) do
         if t.mine_maps then
            local h = handed[t.from] or {}
            handed[t.from] = h
            h[#h + 1] = { x = x, maps = t.mine_maps }
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
      if not c.region or m.region == c.region then
         n = n + 1
         mines = mines + (m.mines or 0)
         if not seen_region[m.region] then
            seen_region[m.region] = true
            regions[#regions + 1] = m.region
         end
      end
   end
   return n, mines
end

-- The handovers of the claimant's maps after denial c (certainly after it, or with
-- include_overlapping when the dates can overlap), with the maps, mines and regions in them.
local function handovers_after(c, handed, include_overlapping)
   local after, maps, mines, regions, seen_region = {}, 0, 0, {}, {}
   for _, h in ipairs(handed) do
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
         sources = ids({ c.source }, first.x.sources or {}), parties = { c.claimant } },
      measures = { maps = maps, mines = mines, certain = first.certain and 1 or 0 },
      -- capped, so that details stay well within their 64 KiB
      details = { kind = "denial", exchanges = { table.unpack(xids, 1, math.min(#xids, 200)) },
         exchanges_total = #xids, regions = { table.unpack(regions, 1, math.min(#regions, 200)) } },
   })
end

local function denials(ctx, claims, exchanges)
   local p = ctx.params
   local handed = handovers(exchanges)
   for _, c in ipairs(claims) do
      if c.subject == p.maps_subject and c.value == false and handed[c.claimant] then
         local after, maps, mines, regions = handovers_after(c, handed[c.claimant], p.include_overlapping)
         if #after > 0 then report_denial(ctx, c, after, maps, mines, regions) end
      end
   end
end

----------------------------------------------------------------------------- reversal

-- Exchanges that moved `cargo` from or to a party: { [party] = { {x=, count=}, ... } }.
local function movements(exchanges, cargo, dir)
   local out = {}
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers) do
         if t[cargo] then
            local party = dir == "from" and t.from or t.to
            local l = out[party] or {}
            out[party] = l
            l[#l + 1] = { x = x, count = t[cargo].count }
         end
      end
   end
   return out
end

-- Movements of the holder's cargo that can fall between claims a and b (not certainly before
-- a, not certainly after b).
local function between(list, a, b)
   local out, total = {}, 0
   for _, m in ipairs(list or {}) do
      if not dates.before(m.x.date_period, a.as_of_period) and not dates.before(b.as_of_period, m.x.date_period) then
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
   local sources = { cur.source, prev.source, fell and before.source or nil }
   ctx:finding({
      message = string.format("%s's count of %s %s, with no exchange bringing %s to %s between them",
         cur.claimant, what_of(cur), why, cargo or cur.subject, cur.holder or "the holder"),
      evidence = { claims = evidence_claims, exchanges = #xids > 0 and xids or nil,
         sources = ids(sources), parties = { cur.claimant } },
      measures = { rise = rise, fall = fell and (best_of(before.count) - best_of(prev.count)) or nil,
         released = total },
      details = { kind = "reversal" },
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
   local cargo = (cur.subject == "detainees" or cur.subject == "remains") and cur.subject or nil
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
   local released, received = {}, {}
   for _, cargo in ipairs({ "detainees", "remains" }) do
      released[cargo] = movements(exchanges, cargo, "from")
      received[cargo] = movements(exchanges, cargo, "to")
   end
   local groups, order = kit.group(counted, series_key)
   for _, key in ipairs(order) do
      local series = kit.series(groups[key]) -- each claim certainly after the one before
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
   local groups, order = kit.group(valued, series_key)
   for _, key in ipairs(order) do
      local g = groups[key]
      for i, f in ipairs(g) do
         local t = f.value == false and first_true_after(g, i)
         if t then
            ctx:finding({
               message = string.format("%s asserted %s false (%s, %s) and later true (%s, %s)", f.claimant,
                  what_of(f), f.id, f.as_of, t.id, t.as_of),
               evidence = { claims = { f.id, t.id }, sources = ids({ f.source, t.source }),
                  parties = { f.claimant } },
               details = { kind = "flip" },
            })
         end
      end
   end
end

local function run(ctx)
   local claims, exchanges = {}, {}
   local gone_c, gone_x = superseded(ctx.db, "claims"), superseded(ctx.db, "exchanges")
   for c in ctx.db:claims() do
      if not gone_c[c.id] then claims[#claims + 1] = c end
   end
   for x in ctx.db:exchanges() do
      if not gone_x[x.id] then exchanges[#exchanges + 1] = x end
   end
   denials(ctx, claims, exchanges)
   reversals(ctx, claims, exchanges)
   flips(ctx, claims)
end

return {
   id = "self_contradiction",
   version = "1.0.0",
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
