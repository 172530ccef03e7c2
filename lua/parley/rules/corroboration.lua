-- SPDX-License-Identifier: MIT
-- corroboration: claims that rest only on the claimant's own source, or only on a source graded
-- below an Admiralty threshold, and that no independent source says the same. A source is
-- independent of a claim when its publishing party is known and is none of the claimant, the
-- holder and the about side (a mediator, the ICRC, the press), and it is graded at or above
-- the threshold. It says the same in another current claim of the same subject, holder, about
-- and region (subjects in their canonical forms), of a like scope (the same canonical scope
-- set, or one of the two stating none), for a period that can overlap, with a count whose
-- range overlaps or the same value. Sources are read by their origin (kit.origin: `via`,
-- `origin`): a claim is self-sourced when every statement it rests on is the claimant's, and two
-- sources that relay one statement are one origin, never each other's corroboration. See
-- docs/rules/corroboration.md.
local json = require "parley.json"
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"
local count_key, count_range = kit.count_key, kit.range

local RELIABILITY = { A = 1, B = 2, C = 3, D = 4, E = 5, F = 6 }

-- A claim row's count as a range [low, high] (kit.range, as count_gap reads it): "about 200"
-- is +-margin. nil for an assertion.
local function range(c, margin)
   local count
   if c.count_exact then
      count = { exact = c.count_exact }
   elseif c.count_best or c.count_low or c.count_high then
      count = { best = c.count_best, low = c.count_low, high = c.count_high, approx = c.count_approx == 1 }
   else
      return nil
   end
   local _, low, high = count_range(count, margin)
   return low, high
end

-- Two assertions (values as the store keeps them: JSON text and a type) say the same?
local NUMERIC = { integer = true, number = true }
local function same_value(a, b)
   if NUMERIC[a.value_type] and NUMERIC[b.value_type] then return tonumber(a.value) == tonumber(b.value) end
   return a.value_type == b.value_type and a.value == b.value
end

-- The claims of `subject` (canonical; all when nil) as compact rows, in a stable order
-- (superseded ones too: the callers leave out those in kit.superseded's set), each with its
-- canonical forms (kit.canonical, through the store's vocabulary) and its scope key (`sk`, one
-- decoding per distinct scope as stored).
local function claim_rows(ctx, subject)
   local v = ctx.db:vocabulary()
   local only = subject and v:canonical_subject(subject)
   -- the canonical forms and the decoded scope of each (subject, scope as stored, region), made
   -- once: the claims of a store say few distinct ones (the readers share them alike)
   local keys, forms = {}, {}
   local rows, state, control = ctx.db:query("SELECT id, claimant, source, sources, subject, holder, about, " ..
      "region, from_party AS \"from\", to_party AS \"to\", " ..
      "scope, as_of, as_of_start, as_of_end, count_exact, count_best, count_low, count_high, count_approx, " ..
      "value_type, value FROM claims ORDER BY as_of_start, id")
   return function()
      for c in rows, state, control do
         local stored = c.scope
         local fk = c.subject .. "\0" .. (stored or "") .. "\0" .. (c.region or "")
         local form = forms[fk]
         if form then
            c.scope, c.canonical = form.scope, form.canonical
         else
            c.scope = stored and json.decode(stored) or nil
            forms[fk] = { scope = c.scope, canonical = kit.canonical(c, v) }
         end
         c.sources = c.sources and json.decode(c.sources) or nil
         if not only or c.canonical.subject == only then
            local sk = keys[stored or ""]
            if not sk then
               sk = kit.scope_key(c)
               keys[stored or ""] = sk
            end
            c.sk = sk
            return c
         end
      end
   end
end

-- Graded at or above the threshold? An ungraded source (either grade missing) is below.
local function well_graded(s, p)
   return s ~= nil and s.reliability ~= nil and s.credibility ~= nil and
      RELIABILITY[s.reliability] <= RELIABILITY[p.min_reliability] and s.credibility <= p.min_credibility
end

-- A party that is none of the claimant, the holder and the about side of claim c.
local function independent_of(party, c)
   return party ~= nil and party ~= c.claimant and party ~= c.holder and party ~= c.about
end

-- Where each source of a claim comes from: {source, origin, party (the origin's publishing
-- party, nil for an origin that is no source of the store), relays ({source, via} passed)}.
local function origins_of(c, sources)
   local out = {}
   for _, id in ipairs(kit.sources_of(c)) do
      local origin, relays = kit.origin(sources, id)
      local o = sources[origin]
      out[#out + 1] = { source = id, origin = origin, party = o and o.party, relays = relays }
   end
   return out
end

-- The claims that can corroborate others (a well-graded source whose origin has a known
-- party), by what they are about, with only what the comparison needs: one entry per such
-- source.
local function corroborators(ctx, sources, gone)
   local p = ctx.params
   local groups = {}
   for c in claim_rows(ctx, p.subject) do
      if not gone[c.id] then
         for _, o in ipairs(origins_of(c, sources)) do
            if well_graded(sources[o.source], p) and o.party then
               local key = count_key(c)
               groups[key] = groups[key] or {}
               local low, high = range(c, p.approx_margin)
               table.insert(groups[key], { id = c.id, party = o.party, origin = o.origin, source = o.source,
                  first = c.as_of_start, last = c.as_of_end, low = low, high = high, value_type = c.value_type,
                  value = c.value, sk = c.sk })
            end
         end
      end
   end
   -- each group by the first day of its claims' periods, with the latest last day up to each
   -- (`reach`, which only grows): a claim is compared only with those whose period can overlap
   -- its own (corroborated), not with every claim of its group
   for _, g in pairs(groups) do
      for i, d in ipairs(g) do d.at = i end
      table.sort(g, function(a, b)
         if a.first ~= b.first then return a.first < b.first end
         return a.at < b.at
      end)
      local reach
      for _, d in ipairs(g) do
         if not reach or d.last > reach then reach = d.last end
         d.reach = reach
      end
   end
   return groups
end

-- The first claim of a group (sorted, with reach: corroborators) whose period can reach the
-- day `first` or later: every claim before it ends before that day.
local function first_reaching(group, first)
   local lo, hi = 1, #group + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if group[mid].reach < first then lo = mid + 1 else hi = mid end
   end
   return lo
end

-- Does d, from an independent party, of a like scope and for a period that can overlap c's,
-- say the same: a count whose range overlaps c's, or the same value?
local function says_the_same(c, low, high, d, whoever)
   if d.id == c.id or not (whoever or independent_of(d.party, c)) or
      not (c.as_of_start <= d.last and d.first <= c.as_of_end) then
      return false
   end
   if c.sk ~= d.sk and c.sk ~= "" and d.sk ~= "" then return false end
   if low and d.low then return low <= d.high and d.low <= high end
   if not low and not d.low then return same_value(c, d) end
   return false
end

-- Corroborated by a claim of the group on an origin of its own? Else the sources that said
-- the same but relay one of c's own origins (one statement, published again), by id.
local function corroborated(c, group, margin, own_origins)
   local low, high = range(c, margin)
   local relayed = {}
   group = group or {}
   -- only the claims whose period can overlap c's: from the first that reaches c's first day
   -- to the last that starts by c's last (says_the_same is false for every other)
   for i = first_reaching(group, c.as_of_start), #group do
      local d = group[i]
      if d.first > c.as_of_end then break end
      if own_origins[d.origin] then
         if says_the_same(c, low, high, d, true) then relayed[d.source] = d.origin end
      elseif says_the_same(c, low, high, d) then
         return true
      end
   end
   return false, relayed
end

-- "synd relays wire; am-press relays aze-mod": the relays among a claim's sources and the
-- sources that said the same from one of its origins.
local function relay_words(origins, relayed)
   local said, out = {}, {}
   local function add(source, origin)
      if source ~= origin and not said[source] then
         said[source] = true
         out[#out + 1] = string.format("%s relays %s", source, origin)
      end
   end
   for _, o in ipairs(origins) do add(o.source, o.origin) end
   local ids = {}
   for id in pairs(relayed or {}) do ids[#ids + 1] = id end
   table.sort(ids)
   for _, id in ipairs(ids) do add(id, relayed[id]) end
   return out
end

local function report(ctx, c, s, own, weak, origins, relayed)
   local p = ctx.params
   local grade = (s.reliability or "?") .. (s.credibility and tostring(s.credibility) or "?")
   local reasons = {}
   if own then reasons[#reasons + 1] = "the claimant's own source" .. (#origins > 1 and "s" or "") end
   if weak then
      reasons[#reasons + 1] = #origins > 1 and "sources none of which is well graded" or
         (s.reliability and s.credibility) and
         string.format("a source graded %s, below %s%d", grade, p.min_reliability, p.min_credibility) or
         "an ungraded source"
   end
   local ids, distinct, seen = kit.sources_of(c), {}, {}
   for _, o in ipairs(origins) do
      if not seen[o.origin] then
         seen[o.origin] = true
         distinct[#distinct + 1] = o.origin
      end
   end
   local relays = relay_words(origins, relayed)
   local evidence_sources = kit.ids(ids, distinct)
   for id in pairs(relayed or {}) do evidence_sources[#evidence_sources + 1] = id end
   evidence_sources = kit.ids(evidence_sources)
   ctx:finding({
      severity = not own and p.weak_severity or nil,
      message = string.format("%s's claim %s (%s%s%s%s%s, %s) rests only on %s (%s%s), and no independent " ..
         "source says the same", c.claimant, c.id, c.canonical.subject, c.holder and (" held by " .. c.holder) or "",
         c.about and (", about " .. c.about) or "", c.from and string.format(", from %s to %s", c.from, c.to or "?")
         or "", c.sk ~= "" and (", " .. kit.scope_words(kit.scope_of(c))) or "",
         c.as_of, table.concat(reasons, " and "), table.concat(ids, ", "),
         #relays > 0 and string.format("; %s: %d origin%s", table.concat(relays, ", "), #distinct,
            #distinct == 1 and "" or "s") or ""),
      evidence = { claims = { c.id }, sources = evidence_sources, parties = { c.claimant } },
      measures = { own_source = own and 1 or 0, below_grade = weak and 1 or 0, origins = #distinct },
      details = {
         source = ids[1], sources = #ids > 1 and ids or nil, origins = distinct, relays = #relays > 0 and relays or nil,
         source_party = s.party, reliability = s.reliability,
         credibility = s.credibility, threshold = p.min_reliability .. tostring(p.min_credibility),
         reasons = reasons, scope = kit.scope_of(c),
      },
   })
end

local function run(ctx)
   local p = ctx.params
   local sources = {}
   for s in ctx.db:sources() do sources[s.id] = s end
   local gone = kit.superseded(ctx.db, "claims")
   local groups = corroborators(ctx, sources, gone)
   -- each self-sourced or weakly graded claim against its group
   for c in claim_rows(ctx, p.subject) do
      -- an observer (a claimant that is neither the holder nor the about side of a claim
      -- that names one) publishing its own findings is not a party speaking about itself
      local observer = p.trust_observers and (c.holder or c.about) and c.claimant ~= c.holder and
         c.claimant ~= c.about
      -- self-sourced: every statement it rests on is the claimant's (a relay of the
      -- claimant's statement is the claimant's); weak: none of its sources is well graded
      local origins = origins_of(c, sources)
      local own, weak, own_origins = not observer, true, {}
      for _, o in ipairs(origins) do
         if o.party ~= c.claimant then own = false end
         if well_graded(sources[o.source], p) then weak = false end
         own_origins[o.origin] = true
      end
      if not gone[c.id] and (own or weak) then
         local ok, relayed = corroborated(c, groups[count_key(c)], p.approx_margin, own_origins)
         if not ok then report(ctx, c, sources[origins[1].source], own, weak, origins, relayed) end
      end
   end
end

return {
   id = "corroboration",
   version = "2.1.0",
   description = "Claims resting only on the claimant's own source or on a source graded below a threshold, " ..
      "that no independent source corroborates.",
   severity = "medium",
   params = {
      min_reliability = { type = "string", default = "C", values = { "A", "B", "C", "D", "E", "F" },
         description = "a source is well graded at this reliability or better (A best, F worst)" },
      min_credibility = { type = "integer", default = 3, min = 1, max = 6,
         description = "and this credibility or better (1 best, 6 worst)" },
      weak_severity = { type = "string", default = "low", values = vocab.SEVERITIES,
         description = "the severity when the only source is a third party's but below the grade (a claim on " ..
            "the claimant's own source has the rule's configured severity)" },
      trust_observers = { type = "boolean", default = true,
         description = "a claimant that is neither holder nor about side (an observer) may cite its own " ..
            "publication; false: any source of the claimant's own is self-sourced" },
      approx_margin = { type = "number", default = 0.1, min = 0, max = 1,
         description = "the range given to an approximate count with no low or high of its own" },
      subject = { type = "string", description = "only claims about this subject" },
   },
   run = run,
}
