-- SPDX-License-Identifier: MIT
-- What every report format says the same way: counts, values, grades, transfers, measures,
-- evidence, party labels and the history line, in text, HTML, Markdown, CSV and SARIF, so the
-- formats never disagree about what a record says; and HTML escaping, which the HTML report
-- and its charts share.

local vocab = require "parley.vocab"
local text = require "parley.text"
local scope_order = require("parley.records").scope_order

local common = {}

-- Findings the HTML and Markdown reports show with their evidence side by side (the most
-- severe first; a table lists every finding), and the number of counts above which a subject
-- is summed up party by party rather than listed claim by claim: so a report of 10,000
-- findings stays readable and small. Both can be changed per report (opts.detail).
common.DETAIL = 1000
common.DENSE = 40

-- "15", "~200", "38-120 (best 60)", "at least 100".
function common.count(c)
   if not c then return "" end
   if c.exact then return tostring(c.exact) end
   local s
   if c.low and c.high then
      s = string.format("%d-%d", c.low, c.high)
      if c.best then s = s .. string.format(" (best %d)", c.best) end
   elseif c.best then
      s = tostring(c.best)
   elseif c.low then
      s = string.format("at least %d", c.low)
   else
      s = string.format("at most %d", c.high)
   end
   if c.approx then s = "~" .. s end
   return s
end

-- What a claim says: its count, or its value.
function common.claim_value(c)
   if c.count then return common.count(c.count) end
   if c.value == nil then return "" end
   return tostring(c.value)
end

local RELIABILITY = { A = "completely reliable", B = "usually reliable", C = "fairly reliable",
   D = "not usually reliable", E = "unreliable", F = "reliability cannot be judged" }
local CREDIBILITY = { "confirmed", "probably true", "possibly true", "doubtful", "improbable",
   "truth cannot be judged" }

-- The Admiralty grade of a source: "B2", and what it means.
function common.grade(s)
   if not s or (not s.reliability and not s.credibility) then return "", "" end
   local code = (s.reliability or "") .. (s.credibility and tostring(s.credibility) or "")
   local words = {}
   if s.reliability then words[#words + 1] = RELIABILITY[s.reliability] end
   if s.credibility then words[#words + 1] = CREDIBILITY[s.credibility] end
   return code, table.concat(words, ", ")
end

-- "detainees held by AZE, about ARM (Agdam)".
function common.subject_title(g)
   local s = g.subject
   if g.holder then s = s .. " held by " .. g.holder end
   if g.about then s = s .. ", about " .. g.about end
   if g.region then s = s .. " (" .. g.region .. ")" end
   return s
end

-- "97,000".
local function thousands(n)
   local s = tostring(n)
   local out = s:reverse():gsub("(%d%d%d)", "%1,"):reverse()
   return (out:gsub("^,", ""))
end
common.thousands = thousands

-- A claim's scope tags: "soldiers, civilians".
function common.scope_text(c)
   local tags = {}
   for i, t in ipairs(c.scope or {}) do tags[i] = tostring(t) end
   return table.concat(tags, ", ")
end

-- A party's name, or its id when the store does not have it.
function common.party_name(data, id)
   local p = data and data.parties[id]
   return p and p.name or id
end

-- "Armenia (ARM)", or "ARM" when the name is the id or unknown; escape (HTML, Markdown) is
-- applied to the name and the id.
function common.party_label(data, id, escape)
   local p = data and data.parties[id]
   if p and p.name ~= id then return escape(p.name) .. " (" .. escape(id) .. ")" end
   return escape(id)
end

-- A transfer's count by category: " (30 soldiers, 14 civilians)", or "".
function common.by_scope(people)
   if not people or not people.by_scope then return "" end
   local tags = scope_order(people.by_scope)
   for i, tag in ipairs(tags) do tags[i] = string.format("%d %s", people.by_scope[tag], tag) end
   return " (" .. table.concat(tags, ", ") .. ")"
end

-- The regions of a mine map: "Agdam", or "Fuzuli + Zangilan together" for a map of several.
function common.map_regions(m)
   if m.regions then
      return table.concat(m.regions, " + ") .. (#m.regions > 1 and " together" or "")
   end
   return m.region or ""
end

-- A mediator: a party id ("RUS"), or a named person with their role and party: "Antony
-- Blinken, Secretary of State (USA)". label(party id) gives the party as the format writes it
-- (default: the id); escape is applied to the person and role (default: none).
function common.mediator(m, label, escape)
   label, escape = label or tostring, escape or tostring
   if type(m) ~= "table" then return label(m) end
   local s = m.person and escape(m.person) or label(m.party)
   if m.role then s = s .. ", " .. escape(m.role) end
   if m.person and m.party then s = s .. " (" .. label(m.party) .. ")" end
   return s
end

-- Whether any of an exchange's mediators is a named person (a mapping, not a party id).
function common.named_mediators(x)
   for _, m in ipairs(x.mediators or {}) do
      if type(m) == "table" then return true end
   end
   return false
end

-- An exchange's mediators as a format writes them: "GEO, USA" (party ids, as ever), or, when
-- any is a named person (whose role may hold a comma), "RUS; ICRC delegation, health check
-- (ICRC)"; sep, when given, joins them always (HTML: a line break).
function common.mediators(x, label, escape, sep)
   local out = {}
   for i, m in ipairs(x.mediators or {}) do out[i] = common.mediator(m, label, escape) end
   return table.concat(out, sep or (common.named_mediators(x) and "; " or ", "))
end

-- The sources a claim or list names: its `sources`, or its one `source`.
function common.sources_of(r)
   if r.sources then return r.sources end
   return { r.source }
end

-- A source's provenance for a report: " (via wire-2020-12-14)", " (relaying aze-presidency-...)"
-- for an origin that is no source of the store, or "".
function common.provenance(s)
   if not s then return "" end
   if s.via then return " (via " .. s.via .. ")" end
   if s.origin then return " (relaying " .. s.origin .. ")" end
   return ""
end

-- An account of an exchange: " (account of 2020-12-14-swap, AZE → ARM)", or "".
function common.account_of(c)
   if not c.exchange then return "" end
   local from, to = c.from or c.holder, c.to or c.about
   return string.format(" (account of %s%s)", c.exchange,
      (from or to) and string.format(", %s → %s", from or "?", to or "?") or "")
end

-- What moved in one transfer: "AZE → ARM: 44 detainees (30 soldiers, 14 civilians)", "ARM → AZE: 1 mine map
-- (Agdam, 97,000 mines)".
function common.transfer(t)
   local parts = {}
   if t.detainees then parts[#parts + 1] = string.format("%d detainee%s%s", t.detainees.count,
      t.detainees.count == 1 and "" or "s", common.by_scope(t.detainees)) end
   if t.remains then parts[#parts + 1] = string.format("remains of %d%s", t.remains.count,
      common.by_scope(t.remains)) end
   if t.mine_maps then
      local regions, mines = {}, 0
      for _, m in ipairs(t.mine_maps) do
         regions[#regions + 1] = common.map_regions(m)
         mines = mines + (m.mines or 0)
      end
      parts[#parts + 1] = string.format("%d mine map%s (%s%s)", #t.mine_maps, #t.mine_maps == 1 and "" or "s",
         table.concat(regions, ", "), mines > 0 and (", " .. thousands(mines) .. " mines") or "")
   end
   return string.format("%s → %s: %s", t.from, t.to, table.concat(parts, ", "))
end

-- Everything an exchange moved, transfer by transfer.
function common.exchange_moved(x)
   local parts = {}
   for _, t in ipairs(x.transfers or {}) do parts[#parts + 1] = common.transfer(t) end
   return table.concat(parts, "; ")
end

-- A number as reports print it: integers as they are, floats to 4 significant digits.
local function number(v)
   if math.type(v) == "float" then
      if v ~= v then return "NaN" end
      return (string.format("%.4g", v))
   end
   return tostring(v)
end

-- The names of a finding's measures, sorted, with their values as text.
function common.measures(measures)
   local out = {}
   if type(measures) ~= "table" then return out end
   for k, v in pairs(measures) do
      if type(k) == "string" then out[#out + 1] = { name = k, value = v, text = number(v) } end
   end
   table.sort(out, function(a, b) return a.name < b.name end)
   return out
end

function common.measures_text(measures)
   local parts = {}
   for _, m in ipairs(common.measures(measures)) do parts[#parts + 1] = m.name .. "=" .. m.text end
   return table.concat(parts, " ")
end

-- The evidence ids of one kind (a list of strings, whatever the store held).
function common.ids(evidence, kind)
   local ids = type(evidence) == "table" and evidence[kind]
   if type(ids) ~= "table" then return {} end
   local out = {}
   for _, id in ipairs(ids) do out[#out + 1] = tostring(id) end
   return out
end

-- A transfer's people as data: {count =, by_scope =} (by_scope only when the record has it).
local function people_data(p)
   if not p then return nil end
   return { count = p.count, by_scope = p.by_scope }
end

-- The exchanges of a model's records by id, built once per records table (a report asks for
-- each finding's: building it each time made a report quadratic in its findings).
local exchange_index = setmetatable({}, { __mode = "k" })
function common.exchange_by_id(data)
   local index = exchange_index[data]
   if not index then
      index = {}
      for _, x in ipairs(data.exchanges or {}) do index[x.id] = x end
      exchange_index[data] = index
   end
   return index
end

-- The records behind a finding as data, for the formats that describe them (JSON, SARIF): of
-- the evidence's claims, lists and exchanges what the message cannot give as values, and every
-- source they or the evidence name with its provenance. {sources = {{id, via, origin}},
-- claims = {{id, sources}}, lists = {{id, sources}}, exchanges = {{id, sources, mediators =
-- {{party, person, role}}, transfers = {{from, to, detainees = {count, by_scope}, remains,
-- mine_maps = {{region | regions, mines}}}}}}}; nil when the model has no such records (gathered
-- with `records = "evidence"`, docs/reports.md).
function common.evidence_records(model, evidence)
   local data = model.data
   if not data or type(evidence) ~= "table" then return nil end
   local out, named, seen = {}, {}, {}
   local function name_source(id)
      if id and not seen[id] then
         seen[id] = true
         named[#named + 1] = id
      end
   end
   for _, kind in ipairs({ "claims", "lists" }) do
      for _, id in ipairs(common.ids(evidence, kind)) do
         local r = data[kind] and data[kind][id]
         if r then
            local srcs = common.sources_of(r)
            for _, sid in ipairs(srcs) do name_source(sid) end
            out[kind] = out[kind] or {}
            table.insert(out[kind], { id = id, sources = srcs })
         end
      end
   end
   local exchanges = common.exchange_by_id(data)
   for _, id in ipairs(common.ids(evidence, "exchanges")) do
      local x = exchanges[id]
      if x then
         local mediators, transfers = {}, {}
         for i, m in ipairs(x.mediators or {}) do
            mediators[i] = type(m) == "table" and { party = m.party, person = m.person, role = m.role } or { party = m }
         end
         for i, t in ipairs(x.transfers or {}) do
            local maps
            for j, mm in ipairs(t.mine_maps or {}) do
               maps = maps or {}
               maps[j] = { region = mm.region, regions = mm.regions, mines = mm.mines }
            end
            transfers[i] = { from = t.from, to = t.to, detainees = people_data(t.detainees),
               remains = people_data(t.remains), mine_maps = maps }
         end
         local srcs = common.sources_of(x)
         for _, sid in ipairs(srcs) do name_source(sid) end
         out.exchanges = out.exchanges or {}
         table.insert(out.exchanges, { id = id, sources = srcs[1] and srcs or nil,
            mediators = mediators[1] and mediators or nil, transfers = transfers })
      end
   end
   for _, id in ipairs(common.ids(evidence, "sources")) do name_source(id) end
   for _, id in ipairs(named) do
      local s = data.sources and data.sources[id]
      out.sources = out.sources or {}
      table.insert(out.sources, { id = id, via = s and s.via, origin = s and s.origin })
   end
   return next(out) and out or nil
end

function common.evidence_text(evidence)
   local parts = {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      local ids = common.ids(evidence, kind)
      if #ids > 0 then parts[#parts + 1] = kind .. ": " .. table.concat(ids, ", ") end
   end
   return table.concat(parts, "; ")
end

-- Where record id of kind was written ({file, line, column}; column nil for a table's row), or
-- nil: the report was gathered without positions, or the store has none for it (imported
-- before parley kept them, or from a Lua table).
function common.position(model, kind, id)
   local p = model.positions
   return p and p[kind .. "\0" .. tostring(id)]
end

-- The first of a finding's evidence records (in vocab.EVIDENCE_KINDS order) whose position
-- the store has: its position {file, line, column, kind, id}, or nil.
function common.first_position(model, evidence)
   if not model.positions then return nil end
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      for _, id in ipairs(common.ids(evidence, kind)) do
         local p = common.position(model, kind, id)
         if p then return { file = p.file, line = p.line, column = p.column, kind = kind, id = id } end
      end
   end
   return nil
end

-- "file:line:column" (or "file:row" for a table's row).
function common.position_text(p)
   return string.format("%s:%d", p.file, p.line) .. (p.column and (":" .. p.column) or "")
end

-- The person pairs of a list_overlap finding (details.pairs, details.review), each with the
-- script of either side's name.
function common.pairs(details, key)
   local out = {}
   local list = type(details) == "table" and details[key]
   if type(list) ~= "table" then return out end
   for _, p in ipairs(list) do
      if type(p) == "table" then
         local ln, rn = tostring(p.left_name or ""), tostring(p.right_name or "")
         out[#out + 1] = {
            left = tostring(p.left or ""), right = tostring(p.right or ""), left_name = ln, right_name = rn,
            left_script = text.script(ln), right_script = text.script(rn),
            score = type(p.score) == "number" and string.format("%.3f", p.score) or "",
            explanation = p.explanation and tostring(p.explanation) or "",
         }
      end
   end
   return out
end

-- Each party's counts among claims (a subject's): {party, n, lo, hi, first, last, sources},
-- in the order the parties first claim.
function common.party_summary(claims)
   local by, order = {}, {}
   for _, c in ipairs(claims) do
      if c.count then
         local b = by[c.claimant]
         if not b then
            b = { party = c.claimant, n = 0, lo = math.huge, hi = -math.huge, first = c.as_of, last = c.as_of,
               seen = {}, sources = 0 }
            by[c.claimant] = b
            order[#order + 1] = b
         end
         local k = c.count
         b.n = b.n + 1
         b.lo = math.min(b.lo, k.exact or k.low or k.best or b.lo)
         b.hi = math.max(b.hi, k.exact or k.high or k.best or b.hi)
         b.last = c.as_of
         for _, id in ipairs(common.sources_of(c)) do
            if not b.seen[id] then
               b.seen[id] = true
               b.sources = b.sources + 1
            end
         end
      end
   end
   return order
end

-- "run 7", or "a run not stored" (parley reconcile --no-store).
function common.run_label(r)
   return r.id ~= nil and ("run " .. tostring(r.id)) or "a run not stored"
end

-- Which imports the report shows the records of: "records of imports 1 to 2 (a.yaml, b.yaml),
-- as the run read them; 1 later import not shown", or nil without a store.
function common.imports_line(model)
   local im = model.imports
   if not im then return nil end
   local names = {}
   for i, r in ipairs(im.shown) do
      if i > 5 then
         names[#names + 1] = string.format("and %d more", #im.shown - 5)
         break
      end
      names[#names + 1] = tostring(r.name)
   end
   local s
   if #im.shown == 0 then
      s = "records: none (no import before the run)"
   else
      s = string.format("records of import%s %s (%s)", #im.shown == 1 and "" or "s",
         #im.shown == 1 and tostring(im.shown[1].id) or (im.shown[1].id .. " to " .. im.shown[#im.shown].id),
         table.concat(names, ", "))
   end
   if not im.upto then return s .. ": every import of the store (the run did not record which it read)" end
   s = s .. ", as the run read them"
   if im.later > 0 then
      s = s .. string.format("; %d later import%s not shown", im.later, im.later == 1 and "" or "s")
   end
   return s
end

-- Which resolution of people the run's rules read: "people: resolution 3 (resolver 2,
-- threshold 0.9, review 0.75, imports 1 to 2, 1 decision)", or nil when no rule needed one.
function common.resolutions_line(model)
   local rs = model.run.resolutions
   if not rs or #rs == 0 then return nil end
   local parts = {}
   for i, r in ipairs(rs) do
      local p = type(r.params) == "table" and r.params or {}
      parts[i] = string.format("resolution %d (resolver %s, threshold %s, review %s, imports 1 to %d, %d decision%s%s)",
         r.id, tostring(r.resolver), tostring(p.threshold), tostring(p.review), r.imports or 0, r.decisions or 0,
         r.decisions == 1 and "" or "s", r.current and "" or "; since re-resolved")
   end
   return "people: " .. table.concat(parts, ", ")
end

-- "new" / "persisting" for a finding of this run, as the history found it.
function common.change(model, i)
   return model.history and model.history.change[i] or ""
end

-- How many findings of each severity are new, persisting and corrected in this run, and were
-- resolved since the previous one: four tables by severity (a severity with none is absent).
function common.changes_by_severity(model)
   local h = model.history
   local by = { new = {}, persisting = {}, corrected = {} }
   for i, f in ipairs(model.findings) do
      local t = h and by[h.change[i]]
      if t then t[f.severity] = (t[f.severity] or 0) + 1 end
   end
   local resolved = {}
   for _, f in ipairs(h and h.resolved or {}) do resolved[f.severity] = (resolved[f.severity] or 0) + 1 end
   return by.new, by.persisting, resolved, by.corrected
end

-- What a correction replaced: "claims arm-200 -> arm-200-fixed, sources s-1 -> s-2" (arrow:
-- another than "->").
function common.replaced_text(c, arrow)
   local out = {}
   for _, r in ipairs(c.replaced or {}) do
      out[#out + 1] = string.format("%s %s %s %s", r.kind, r.old, arrow or "->", r.new)
   end
   return table.concat(out, ", ")
end

-- The correction each corrected finding of the run is (history.diff's corrected), by the
-- finding's index: {from (the previous run's finding), to, replaced}.
function common.corrections_by_index(model)
   local out = {}
   for _, c in ipairs(model.history and model.history.corrected or {}) do
      if c.index then out[c.index] = c end
   end
   return out
end

-- "since run 4 (...): 1 new, 2 persisting, 1 resolved", or "history: first run of CONFIG".
function common.history_line(model)
   local h = model.history
   if not h then return "history: not available (the run's store is gone)" end
   if not h.a then
      return string.format("history: first run of %s; every finding is new", tostring(model.run.config))
   end
   local s = string.format("since run %s (%s): %d new, %d persisting, %s%d resolved", tostring(h.a.id),
      tostring(h.a.started_at), #h.new, #h.persisting,
      h.corrected and #h.corrected > 0 and (#h.corrected .. " corrected, ") or "", #h.resolved)
   if h.corrections and #h.corrections > 0 then
      local c = {}
      for i, r in ipairs(h.corrections) do
         if i > 5 then
            c[#c + 1] = string.format("and %d more", #h.corrections - 5)
            break
         end
         c[#c + 1] = string.format("%s %s by %s", r.kind, r.supersedes, r.id)
      end
      s = s .. "; records corrected: " .. table.concat(c, ", ")
   end
   local changed = {}
   for _, r in ipairs(h.rules_changed) do
      changed[#changed + 1] = string.format("%s %s -> %s", r.rule, r.from, r.to)
   end
   for _, r in ipairs(h.rules_added) do changed[#changed + 1] = string.format("%s added (%s)", r.rule, r.to) end
   for _, r in ipairs(h.rules_removed) do
      changed[#changed + 1] = string.format("%s removed (was %s)", r.rule, r.from)
   end
   if #changed > 0 then s = s .. "; rules changed: " .. table.concat(changed, ", ") end
   return s
end

local ENTITIES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

-- Text from the data in HTML (an element's content or an attribute's value). Control
-- characters are shown as escapes (parley.text.printable; line breaks kept): HTML cannot hold
-- most of them, and the file is read in terminals too.
function common.html_escape(s)
   s = text.printable(tostring(s), "")
   if not s:find("[&<>\"']") then return s end
   return (s:gsub("[&<>\"']", ENTITIES))
end

-- What the sharing policy withheld (parley.share), in one sentence, or nil for a report that
-- keeps everything: every format states it in its header.
function common.share_line(model)
   local s = model.share
   if not s or #s.withheld == 0 then return nil end
   return string.format("Shared at level %s: %s%s.", s.level, table.concat(s.withheld, "; "),
      s.sensitive_withheld > 0 and string.format("; %d sensitive record%s withheld", s.sensitive_withheld,
         s.sensitive_withheld == 1 and "" or "s") or "")
end

return common
