-- SPDX-License-Identifier: MIT
-- map_completeness: the mine maps handed over in exchanges, set against what the parties claim.
--   map:          each handed-over map checked against the minefield record fields of the
--                 Technical Annex to Amended Protocol II (CCW); one finding per map that lacks any;
--   coverage:     per region, the mines the maps record against a party's claim of mines laid
--                 there (subject mines or mines_laid, or their synonyms), a finding when below
--                 min_coverage; a claim naming no region is about all the maps the holder
--                 handed over; and in total, over the regions a party claims, when it claims
--                 more than one;
--   incomplete:   a party's claim that the maps of a region are not complete
--                 (mine_maps_complete: false), set against the mines mapped there.
-- See docs/rules/map_completeness.md.
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"
local superseded, listing, best_of, say, num = kit.superseded, kit.listing, kit.best, kit.say, kit.num

local FIELDS = { "reference_points", "perimeter", "types", "mines", "emplacing_method", "fuze", "date_laid",
   "anti_handling" }
local KNOWN = { reference_points = true, perimeter = true, types = true, mines = true, emplacing_method = true,
   fuze = true, date_laid = true, anti_handling = true, lifetime = true }

local function blank(v)
   return v == nil or (type(v) == "string" and not v:find("%S"))
end

-- The record fields a map lacks, in the order asked for.
local function missing_fields(m, fields)
   local out = {}
   for _, f in ipairs(fields) do
      local v = m[f]
      local bad
      if f == "reference_points" then
         bad = type(v) ~= "table" or #v < 2
      elseif f == "types" then
         bad = type(v) ~= "table" or #v == 0
      elseif f == "mines" then
         bad = type(v) ~= "number"
      elseif f == "anti_handling" then
         bad = v == nil or (type(v) == "string" and blank(v))
      else
         bad = blank(v)
      end
      if bad then out[#out + 1] = f end
   end
   return out
end

local function sorted_ids(set)
   local out = {}
   for id in pairs(set) do out[#out + 1] = id end
   table.sort(out)
   return out
end

local function set_of(list)
   local set = {}
   for _, id in ipairs(list or {}) do set[id] = true end
   return set
end

local function pct(x) return string.format("%.1f%%", x * 100) end

local function check_fields(fields)
   for _, f in ipairs(fields) do
      if not KNOWN[f] then
         error(string.format("fields: '%s' is not a mine map field (known: %s)", tostring(f),
            table.concat(sorted_ids(KNOWN), ", ")), 0)
      end
   end
end

-- Every map handed over in a current exchange, in date order, with where it came from and
-- the regions it is of, as declared places (kit.regions_of: a map of several regions together
-- has them all, and its mines are of them together).
local function maps_handed_over(ctx)
   local maps = {}
   local v = ctx.db:vocabulary()
   local gone = superseded(ctx.db, "exchanges")
   for x in ctx.db:exchanges() do
      for ti, t in ipairs(gone[x.id] and {} or x.transfers) do
         for mi, m in ipairs(t.mine_maps or {}) do
            local regions = kit.regions_of(m, v)
            maps[#maps + 1] = { x = x, from = t.from, to = t.to, transfer = ti, position = mi, map = m,
               regions = regions, label = table.concat(regions, " + ") }
         end
      end
   end
   return maps
end

-- A claim's region as a declared place (a variant is its place), or nil.
local function region_of(c)
   return c.region and (kit.canonical(c).region or c.region)
end

----------------------------------------------------------------------------- record fields

-- One finding per map that lacks any of the Protocol II record fields asked for.
local function check_maps(ctx, maps)
   local p = ctx.params
   local fields = p.fields
   for _, e in ipairs(maps) do
      local missing = missing_fields(e.map, fields)
      if #missing > 0 then
         ctx:finding({
            severity = p.map_severity,
            message = string.format("the %s mine map %s handed to %s in %s (%s, transfer %d, map %d) lacks %d of " ..
               "the %d Protocol II record fields: %s", e.label, e.from, e.to, e.x.id, e.x.date, e.transfer,
               e.position, #missing, #fields, table.concat(missing, ", ")),
            evidence = { exchanges = { e.x.id }, sources = e.x.sources and sorted_ids(set_of(e.x.sources)),
               parties = sorted_ids(set_of({ e.from, e.to })) },
            measures = { missing = #missing, fields = #fields, mines = e.map.mines },
            details = { kind = "map", exchange = e.x.id, transfer = e.transfer, map = e.position,
               region = #e.regions == 1 and e.regions[1] or nil, regions = #e.regions > 1 and e.regions or nil,
               missing = missing },
         })
      end
   end
end

----------------------------------------------------------------------------- what the maps record

-- mapped(region, holder): the mines the maps of a region record (all regions when region is
-- nil), from maps handed over by `holder` (any party when nil): mines, maps counted, maps
-- without a number of mines, the set of their exchanges, and the maps of that region together
-- with others (shared: a list; their mines cannot be split between their regions).
local function mapped_by(maps)
   local by_region, shared_by_region = {}, {}
   for _, e in ipairs(maps) do
      local index = #e.regions == 1 and by_region or shared_by_region
      for _, r in ipairs(e.regions) do
         local l = index[r] or {}
         index[r] = l
         l[#l + 1] = e
      end
   end
   local function of_holder(list, holder)
      local out = {}
      for _, e in ipairs(list or {}) do
         if holder == nil or e.from == holder then out[#out + 1] = e end
      end
      return out
   end
   return function(region, holder)
      local mines, n, unknown, xs = 0, 0, 0, {}
      for _, e in ipairs(region and (by_region[region] or {}) or maps) do
         if holder == nil or e.from == holder then
            n = n + 1
            if e.map.mines then mines = mines + e.map.mines else unknown = unknown + 1 end
            xs[e.x.id] = true
         end
      end
      return mines, n, unknown, xs, region and of_holder(shared_by_region[region], holder) or {}
   end
end

-- The mines of shared maps (a list), the words for them, and their exchanges added to xs:
-- "1 map of Fuzuli + Zangilan together records 92,000 mines".
local function shared_words(shared, xs)
   local mines, parts = 0, {}
   for _, e in ipairs(shared) do
      mines = mines + (e.map.mines or 0)
      xs[e.x.id] = true
      parts[#parts + 1] = string.format("a map of %s together (%s) records %s mines", e.label, e.x.id,
         e.map.mines and num(e.map.mines) or "no number of")
   end
   return mines, listing(parts, "; ")
end

-- The canonical forms of a list of subjects, as a set.
local function canonical_set(v, list)
   local set = {}
   for _, s in ipairs(list or {}) do set[(v:canonical_subject(s))] = true end
   return set
end

-- The current claims of mines laid, the latest of each claimant, holder and region (none: all
-- regions; sorted by that key), and the claims that the maps are not complete (a list, and by
-- region (region_of) in `by_region`, the key false for none, so that a coverage finding looks
-- only at its region's).
local function claims_of_mines_laid(ctx)
   local p = ctx.params
   local v = ctx.db:vocabulary()
   local laid_subjects = canonical_set(v, p.laid_subjects)
   local complete_subject = canonical_set(v, { p.complete_subject })
   local latest, keys = {}, {}
   local incomplete = { by_region = {} }
   local gone = superseded(ctx.db, "claims")
   for c in ctx.db:claims() do
      local keep = not gone[c.id]
      local subject = kit.canonical(c).subject
      if keep and laid_subjects[subject] and c.count then
         local key = table.concat({ c.claimant, c.holder or "", c.region and ("\1" .. region_of(c)) or "" }, "\0")
         if not latest[key] then keys[#keys + 1] = key end
         latest[key] = c -- claims come in as_of order: the last one is the latest
      elseif keep and complete_subject[subject] and c.value == false then
         incomplete[#incomplete + 1] = c
         local of_region = incomplete.by_region[region_of(c) or false] or {}
         incomplete.by_region[region_of(c) or false] = of_region
         of_region[#of_region + 1] = c
      end
   end
   table.sort(keys)
   local laid = {}
   for k, key in ipairs(keys) do laid[k] = latest[key] end
   return laid, incomplete
end

local function maps_said(n, unknown)
   return string.format("%d map%s%s", n, n == 1 and "" or "s",
      unknown > 0 and string.format(", %d without a number of mines", unknown) or "")
end

----------------------------------------------------------------------------- coverage per region

-- The claims that the maps of claim c's region (and holder) are not complete: they go with
-- its coverage finding, and are marked covered.
local function incompleteness_of(c, incomplete, covered)
   local claim_ids, sources, also = { c.id }, set_of(kit.sources_of(c)), {}
   for _, ic in ipairs(incomplete.by_region[region_of(c) or false] or {}) do
      if region_of(ic) == region_of(c) and (not c.holder or not ic.holder or ic.holder == c.holder) then
         claim_ids[#claim_ids + 1] = ic.id
         for _, s in ipairs(kit.sources_of(ic)) do sources[s] = true end
         covered[ic.id] = true
         also[#also + 1] = string.format("%s says the maps are not complete (%s)", ic.claimant, ic.id)
      end
   end
   return claim_ids, sources, also
end

local function report_region(ctx, c, m, incomplete, covered)
   local p = ctx.params
   local claim_ids, sources, also = incompleteness_of(c, incomplete, covered)
   local shared_mines, shared_said = 0, nil
   if #m.shared > 0 then shared_mines, shared_said = shared_words(m.shared, m.xs) end
   local xids = sorted_ids(m.xs)
   local high = (m.mines + shared_mines) / m.laid
   -- with maps of this region together with others, coverage lies between what the maps of the
   -- region alone record and that plus all the shared maps' mines
   local coverage_words
   if shared_said and high >= p.min_coverage then
      coverage_words = string.format("; %s, which cannot be split between them: coverage of %s alone cannot be " ..
         "told (%s to %s)", shared_said, region_of(c), pct(m.coverage), pct(high))
   elseif shared_said then
      coverage_words = string.format("; %s, which cannot be split between them: coverage %s at most, below %s",
         shared_said, pct(high), pct(p.min_coverage))
   else
      coverage_words = string.format(": coverage %s, below %s", pct(m.coverage), pct(p.min_coverage))
   end
   local region = region_of(c)
   local untold = shared_said and high >= p.min_coverage
   ctx:finding({
      -- coverage that cannot be told is no shortfall shown, only one that may be there
      severity = untold and p.shared_severity or nil,
      message = string.format("%s: %s claims %s mines laid%s (%s, %s); the maps handed over record %d " ..
         "(%s)%s%s", region or "all regions", c.claimant, say(c.count),
         c.holder and (" by " .. c.holder) or "", c.id, c.as_of, m.mines, maps_said(m.n, m.unknown),
         shared_said and (" for " .. region .. " alone") or "", coverage_words ..
         (#also > 0 and ("; " .. listing(also, "; ")) or "")),
      evidence = { claims = claim_ids, exchanges = #xids > 0 and xids or nil, sources = sorted_ids(sources),
         parties = { c.claimant } },
      measures = { coverage = m.coverage, mapped = m.mines, laid = m.laid, maps = m.n,
         shared = shared_said and shared_mines or nil, coverage_high = shared_said and high or nil },
      details = { kind = untold and "shared" or "coverage", region = region,
         holder = c.holder },
   })
end

-- Adds claim c of `laid` mines, of which `mines` are mapped in exchanges xs, to the totals of
-- its claimant and holder.
local function add_to_total(totals, c, laid, mines, xs)
   local tkey = c.claimant .. "\0" .. (c.holder or "")
   if not totals.by_key[tkey] then
      totals.by_key[tkey] = { claims = {}, laid = 0, mines = 0, xs = {}, sources = {}, regions = {} }
      totals.keys[#totals.keys + 1] = tkey
   end
   local t = totals.by_key[tkey]
   t.claims[#t.claims + 1] = c.id
   t.laid, t.mines = t.laid + laid, t.mines + mines
   for _, s in ipairs(kit.sources_of(c)) do t.sources[s] = true end
   t.regions[#t.regions + 1] = region_of(c)
   t.claimant, t.holder = c.claimant, c.holder
   for id in pairs(xs) do t.xs[id] = true end
end

-- Each claim of mines laid against the mines mapped in its region (all the holder's maps for
-- a claim naming no region): a finding below min_coverage. Returns the totals over the
-- regional claims by claimant and holder (by_key, and the keys) and the completeness claims
-- already set against a finding.
local function check_regions(ctx, laid_claims, incomplete, mapped)
   local covered, totals = {}, { by_key = {}, keys = {} }
   for _, c in ipairs(laid_claims) do
      local laid = best_of(c.count)
      local mines, n, unknown, xs, shared = mapped(region_of(c), c.holder)
      local coverage = laid > 0 and mines / laid or nil
      -- a claim for all regions is its own total: not added to the regions' again
      if c.region then add_to_total(totals, c, laid, mines, xs) end
      if coverage and coverage < ctx.params.min_coverage then
         report_region(ctx, c, { laid = laid, mines = mines, n = n, unknown = unknown, xs = xs,
            coverage = coverage, shared = shared }, incomplete, covered)
      end
   end
   return totals, covered
end

----------------------------------------------------------------------------- coverage in total

local function report_total(ctx, t)
   local p = ctx.params
   local coverage = t.mines / t.laid
   local together = t.together and #t.together > 0 and
      string.format(" (%s)", listing(t.together, "; ")) or ""
   local xids = sorted_ids(t.xs)
   table.sort(t.claims)
   local regions = {}
   for k, r in ipairs(t.regions) do regions[k] = r end
   table.sort(regions)
   ctx:finding({
      message = string.format("in total over %s: %s claims %s mines laid%s; the maps handed over record %d%s: " ..
         "coverage %s, below %s", listing(regions), t.claimant, num(t.laid),
         t.holder and (" by " .. t.holder) or "", t.mines, together, pct(coverage), pct(p.min_coverage)),
      evidence = { claims = t.claims, exchanges = #xids > 0 and xids or nil, sources = sorted_ids(t.sources),
         parties = { t.claimant } },
      measures = { coverage = coverage, mapped = t.mines, laid = t.laid },
      details = { kind = "total", regions = regions, holder = t.holder },
   })
end

-- The maps of several regions all among a total's regions: their mines are of those regions
-- together, so they count in the total (once each).
local function add_maps_together(t, maps)
   local within = {}
   for _, r in ipairs(t.regions) do within[r] = true end
   t.together = {}
   for _, e in ipairs(maps) do
      if #e.regions > 1 and (t.holder == nil or e.from == t.holder) then
         local all = true
         for _, r in ipairs(e.regions) do all = all and within[r] or false end
         if all then
            t.mines = t.mines + (e.map.mines or 0)
            t.xs[e.x.id] = true
            t.together[#t.together + 1] = string.format("with a map of %s together, %s mines", e.label,
               e.map.mines and num(e.map.mines) or "no number of")
         end
      end
   end
end

-- In total, for a claimant that claims mines laid in more than one region.
local function check_totals(ctx, totals, maps)
   table.sort(totals.keys)
   for _, tkey in ipairs(totals.keys) do
      local t = totals.by_key[tkey]
      add_maps_together(t, maps)
      if #t.claims > 1 and t.laid > 0 and t.mines / t.laid < ctx.params.min_coverage then report_total(ctx, t) end
   end
end

----------------------------------------------------------------------------- incompleteness claimed

-- A party's word that the maps are incomplete, not already set against a coverage finding.
local function check_incomplete(ctx, incomplete, covered, mapped)
   for _, ic in ipairs(incomplete) do
      if not covered[ic.id] then
         local mines, n, unknown, xs = mapped(region_of(ic), ic.holder)
         local xids = sorted_ids(xs)
         ctx:finding({
            message = string.format("%s: %s says the mine maps%s are not complete (%s, %s); the maps handed over " ..
               "record %d mines (%s) and no claim of mines laid says how many are missing",
               region_of(ic) or "all regions", ic.claimant, ic.holder and (" handed over by " .. ic.holder) or "",
               ic.id, ic.as_of, mines, maps_said(n, unknown)),
            evidence = { claims = { ic.id }, exchanges = #xids > 0 and xids or nil, sources = kit.sources_of(ic),
               parties = { ic.claimant } },
            measures = { mapped = mines, maps = n },
            details = { kind = "incomplete", region = region_of(ic), holder = ic.holder },
         })
      end
   end
end

local function run(ctx)
   check_fields(ctx.params.fields)
   local maps = maps_handed_over(ctx)
   check_maps(ctx, maps)
   local mapped = mapped_by(maps)
   local laid_claims, incomplete = claims_of_mines_laid(ctx)
   local totals, covered = check_regions(ctx, laid_claims, incomplete, mapped)
   check_totals(ctx, totals, maps)
   check_incomplete(ctx, incomplete, covered, mapped)
end

return {
   id = "map_completeness",
   version = "2.1.0",
   description = "Mine maps handed over against the mines claimed laid (coverage per region and in total) and " ..
      "against the Protocol II minefield record fields.",
   severity = "medium",
   params = {
      min_coverage = { type = "number", default = 0.9, min = 0, max = 1,
         description = "a region's coverage (mines mapped / mines claimed laid) below this is a finding" },
      map_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity of a map that lacks Protocol II record fields" },
      shared_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity of a region whose coverage cannot be told: below min_coverage by its own " ..
            "maps, at or above it with all the mines of the maps it shares with other regions" },
      fields = { type = "list", default = FIELDS,
         description = "the record fields every map should give (add lifetime for the fuze's lifetime)" },
      laid_subjects = { type = "list", default = { "mines", "mines_laid" },
         description = "the subjects of claims of how many mines were laid (claims with a region)" },
      complete_subject = { type = "string", default = "mine_maps_complete",
         description = "the subject of claims that the maps handed over are complete (true or false)" },
   },
   run = run,
}
