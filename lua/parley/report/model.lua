-- SPDX-License-Identifier: MIT
-- What a report of a run shows, gathered once for every format (docs/reports.md): the run, its
-- counts, findings and outcomes, the history since the previous run of the same config, and
-- the records behind the findings, read from the run's store. Each format only lays this out,
-- so two reports of one run never disagree.

local vocab = require "parley.vocab"
local core = require "parley.core"
local dates = require "parley.dates"
local history = require "parley.history"
local json = require "parley.json"
local records = require "parley.records"
local count_key = require("parley.rulekit").count_key -- the grouping count_gap uses
local common = require "parley.report.common"
local report_people = require "parley.report.people"
local share = require "parley.share"

local model = {}

local day_number = dates.day_number

-- The findings by severity (every severity, 0 when none) and the outcomes by kind.
local function counts(run)
   local c = { findings = #run.findings, severity = {}, outcomes = {} }
   for _, s in ipairs(vocab.SEVERITIES) do c.severity[s] = 0 end
   for _, f in ipairs(run.findings) do
      if c.severity[f.severity] then c.severity[f.severity] = c.severity[f.severity] + 1 end
   end
   for _, o in ipairs(run.outcomes) do c.outcomes[o.outcome] = (c.outcomes[o.outcome] or 0) + 1 end
   return c
end

-- The rules of the run, sorted by id: {id, version, description, outcome}.
local function rules_of(run)
   local out = {}
   for _, o in ipairs(run.outcomes) do
      out[#out + 1] = { id = o.rule, version = o.version, description = o.description, outcome = o }
   end
   table.sort(out, function(a, b) return a.id < b.id end)
   return out
end

-- How many findings of each rule the run kept.
local function kept_by_rule(run)
   local kept = {}
   for _, f in ipairs(run.findings) do kept[f.rule] = (kept[f.rule] or 0) + 1 end
   return kept
end

-- The first and last day a record's date can mean (nil, nil when it does not parse).
local function days_of(date)
   local d = dates.parse(date)
   return d and day_number(d.first), d and day_number(d.last)
end

-- The records of the imports up to `upto` (a run's imports), by kind and id: a stored run is
-- shown with what it read, not with what was imported after it (nil: every record).
local function present_records(db, upto)
   if not upto then return nil end
   local present = setmetatable({}, { __index = function(t, kind)
      local ids = {}
      rawset(t, kind, ids)
      return ids
   end })
   for r in db:query("SELECT kind, id FROM records WHERE import <= ?", upto) do present[r.kind][r.id] = true end
   return present
end

-- Whether record id of kind is among those the report shows.
local function shown(present, kind, id)
   return present == nil or present[kind][id] == true
end

-- The exchanges in date order, with the first and last day each can mean and what moved.
local function load_exchanges(db, present)
   local out = {}
   for x in records.exchanges(db) do
      if not shown(present, "exchanges", x.id) then goto next end
      x.first_day, x.last_day = days_of(x.date)
      x.moved = common.exchange_moved(x)
      out[#out + 1] = x
      ::next::
   end
   return out
end

-- The claims of the store by id, each marked with the claim that supersedes it, and grouped
-- by subject (subject, holder, about, region) in key order, each with its first and last day.
local function load_claims(db, data, present)
   local groups, superseded = {}, {}
   for c in records.claims(db) do
      if not shown(present, "claims", c.id) then goto next end
      data.claims[c.id] = c
      if c.supersedes then superseded[c.supersedes] = c.id end
      c.first_day, c.last_day = days_of(c.as_of)
      local key = count_key(c)
      local g = groups[key]
      if not g then
         g = { key = key, subject = c.subject, holder = c.holder, about = c.about, region = c.region, claims = {},
            counted = 0 }
         groups[key] = g
         data.subjects[#data.subjects + 1] = g
      end
      g.claims[#g.claims + 1] = c
      if c.count then g.counted = g.counted + 1 end
      ::next::
   end
   for id, by in pairs(superseded) do
      if data.claims[id] then data.claims[id].superseded_by = by end
   end
   table.sort(data.subjects, function(a, b) return a.key < b.key end)
end

-- The records a report shows: parties (by id, and in store order), sources, claims grouped
-- by subject, exchanges, and the claims of the store by id.
local function load_data(db, present)
   local data = { parties = {}, sources = {}, claims = {}, subjects = {}, exchanges = {}, party_order = {} }
   for p in records.parties(db) do
      if shown(present, "parties", p.id) then
         data.parties[p.id] = p
         data.party_order[#data.party_order + 1] = p.id
      end
   end
   for s in records.sources(db) do
      if shown(present, "sources", s.id) then data.sources[s.id] = s end
   end
   load_claims(db, data, present)
   data.exchanges = load_exchanges(db, present)
   return data
end

-- Only the records the findings' evidence names, and the sources those claims and lists name
-- (for a format that describes the records behind each finding: JSON, CSV, SARIF): sources,
-- claims and lists by id (their id and sources), exchanges by id. One query per record named.
local function load_evidence(db, findings, present)
   local data = { sources = {}, claims = {}, lists = {}, exchanges = {} }
   local wanted = { sources = {}, claims = {}, lists = {}, exchanges = {} }
   for _, f in ipairs(findings or {}) do
      for kind, ids in pairs(wanted) do
         for _, id in ipairs(common.ids(f.evidence, kind)) do ids[id] = true end
      end
   end
   local function keep(kind, r)
      if kind == "exchanges" then
         data.exchanges[#data.exchanges + 1] = r
      else
         data[kind][r.id] = r
      end
      if type(r.sources) == "string" then r.sources = json.decode(r.sources) end
      for _, s in ipairs(common.sources_of(r)) do wanted.sources[s] = true end
   end
   local function each_id(kind, read)
      local ids = {}
      for id in pairs(wanted[kind]) do ids[#ids + 1] = id end
      table.sort(ids)
      for _, id in ipairs(ids) do
         if shown(present, kind, id) then
            for r in read(db, { id = id }) do keep(kind, r) end
         end
      end
   end
   -- of a claim and a list only their sources: what these formats describe of them (and a
   -- list's entries are personal data they do not show)
   for _, kind in ipairs({ "claims", "lists" }) do
      each_id(kind, function(d, filter)
         return d:query("SELECT id, source, sources FROM " .. kind .. " WHERE id = ?", filter.id)
      end)
   end
   each_id("exchanges", records.exchanges)
   for s in records.sources(db) do
      if wanted.sources[s.id] and shown(present, "sources", s.id) then data.sources[s.id] = s end
   end
   table.sort(data.exchanges, function(a, b) return a.id < b.id end)
   return data
end

-- The resolutions of people the run's rules read (docs/people.md): the run's own list
-- (run.resolutions, {id, scope}) or what the store recorded for a stored run, each with the
-- header the store keeps ({id, scope, resolver, params, imports, decisions = n, current}).
local function resolutions_of(db, run)
   local ids = {}
   if run.resolutions then
      for _, r in ipairs(run.resolutions) do ids[#ids + 1] = r.id end
   elseif run.id then
      for row in db:query("SELECT resolution FROM run_resolutions WHERE run = ? ORDER BY resolution", run.id) do
         ids[#ids + 1] = row.resolution
      end
   end
   local out = {}
   for _, id in ipairs(ids) do
      local row = db:first("SELECT * FROM resolutions WHERE id = ?", id)
      if row then
         local decisions = json.decode(row.decisions)
         out[#out + 1] = { id = row.id, scope = row.scope, resolver = row.resolver, params = json.decode(row.params),
            imports = row.imports, decisions = type(decisions) == "table" and #decisions or 0,
            current = row.current == 1 }
      end
   end
   return out
end

-- The imports the report shows the records of: those the run read (run.imports: 1 to N), or
-- every import when the run did not record them (stored before parley recorded it). {upto
-- (nil: all), shown = {{id, name, imported_at}}, later (how many imports came after)}.
local function imports_of(db, upto)
   local out = { upto = upto, shown = {}, later = 0 }
   for r in db:query("SELECT id, name, imported_at FROM imports ORDER BY id") do
      if not upto or r.id <= upto then
         out.shown[#out.shown + 1] = r
      else
         out.later = out.later + 1
      end
   end
   return out
end

-- Where each record the report may name was written, from the store (records.line, col and
-- file, or the import's file; migration 7): "KIND\0ID" -> {file, line, column}, for the imports
-- up to upto (nil: all). Records imported before parley kept this, or from a dataset given as a
-- Lua table, have none.
local function load_positions(db, upto)
   local out = {}
   local sql = "SELECT r.kind, r.id, r.line, r.col, coalesce(r.file, i.file) AS file FROM records r " ..
      "JOIN imports i ON i.id = r.import WHERE r.line IS NOT NULL" .. (upto and " AND r.import <= ?" or "")
   for kind, id, line, col, file in db:rows(sql, table.unpack(upto and { upto } or {})) do
      if file then out[kind .. "\0" .. id] = { file = file, line = line, column = col } end
   end
   return out
end

-- What a report of run shows. opts.db: an open store (else the run's own, if it is still
-- there); opts.data = false leaves the records out, and "exchanges" takes only the exchanges;
-- opts.share: the sharing policy (parley.share; a level name or a policy), applied here, once,
-- for every format; opts.positions: where the records were written (positions, by
-- "KIND\0ID": {file, line, column}; looked up after sharing, by the ids the report shows). The
-- records are those of the imports the run read (run.imports), so a stored run shows what it
-- saw. Returns {run, counts, findings, outcomes, rules, kept, history (nil without a store),
-- data and imports (nil without a store), positions (with opts.positions and a store), share
-- (what the policy withheld), version}, or nil and a message (a policy that needs a key that
-- cannot be read).
function model.gather(run, opts)
   opts = opts or {}
   local db, own = opts.db, nil
   if not db and run.open_store then
      own = run:open_store()
      db = own
   end
   local m = {
      run = { id = run.id, config = run.config_name, config_sha256 = run.config_sha256, started_at = run.started_at,
         finished_at = run.finished_at, status = run.status, store = run.store, imports = run.imports },
      counts = counts(run), findings = run.findings, outcomes = run.outcomes, rules = rules_of(run),
      version = core.version,
   }
   if db then
      local ok, h = pcall(history.for_run, db, run)
      m.history = ok and h or nil
      -- the records of the run's imports, for a format that shows records
      local present
      if opts.data ~= false then
         local okp, p = pcall(present_records, db, run.imports)
         present = okp and p or nil
      end
      local oki, imports = pcall(imports_of, db, (opts.data == false or present) and run.imports or nil)
      m.imports = oki and imports or nil
      local okr, resolutions = pcall(resolutions_of, db, run)
      m.run.resolutions = okr and resolutions or nil
      if opts.data == "evidence" then
         local ok2, data = pcall(load_evidence, db, run.findings, present)
         m.data = ok2 and data or nil
      elseif opts.data == "exchanges" then
         local ok2, exchanges = pcall(load_exchanges, db, present)
         m.data = ok2 and { exchanges = exchanges } or nil
      elseif opts.data ~= false then
         local ok2, data = pcall(load_data, db, present)
         m.data = ok2 and data or nil
      end
   end
   m.kept = kept_by_rule(run)
   local policy, perr = share.policy(opts.share)
   if not policy then
      if own then own:close() end
      return nil, perr
   end
   local sharer
   if not share.keeps_all(policy) then
      local serr
      sharer, serr = share.sharer(policy, db)
      if not sharer then
         if own then own:close() end
         return nil, serr
      end
      m = sharer:model(m)
   else
      m.share = share.statement(policy)
   end
   -- the people of the findings about persons; their store records only when nothing is withheld
   m.people = report_people.gather(m.findings, share.keeps_all(policy) and db or nil)
   if db and opts.positions then
      local ok, positions = pcall(load_positions, db, run.imports)
      m.positions = ok and positions or nil
      if m.positions and sharer then
         -- a file's path is text like any other: names in it are replaced, or it is dropped
         local shared = {}
         for key, p in pairs(m.positions) do
            if shared[p.file] == nil then shared[p.file] = sharer:text(p.file) or false end
            m.positions[key] = shared[p.file] and { file = shared[p.file], line = p.line, column = p.column } or nil
         end
      end
   end
   if own then own:close() end
   return m
end

return model
