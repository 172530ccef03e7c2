-- Writing a run. Every format is drawn from one model that report.gather builds from the run
-- and its store (the run, its counts, findings and outcomes, the history since the previous
-- run of the same config, and the records behind the findings), so the formats never
-- disagree. `text` is a summary for a terminal; `json` one object per line (the run, the
-- history, each rule outcome, then each finding); `html`, `markdown`, `csv` and `sarif` are
-- in report_html.lua, report_markdown.lua, report_csv.lua and report_sarif.lua
-- (docs/reports.md).

local vocab = require "parley.vocab"
local json = require "parley.json"
local config = require "parley.config"
local fmt = require "parley.report_format"
local history = require "parley.history"
local records = require "parley.records"

local report = {}

local writers = {}

-- Formats that show the records behind the findings (timelines, evidence side by side, the
-- exchanges the text report lists).
local NEEDS_DATA = { html = true, markdown = true, text = "exchanges" }

---------------------------------------------------------------------------- the model

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

local dates = require "parley.dates"
local day_number = dates.day_number
local count_key = require("parley.rulekit").count_key -- the grouping count_gap uses

-- The exchanges in date order, with the first and last day each can mean and what moved.
local function load_exchanges(db)
   local out = {}
   for x in records.exchanges(db) do
      local d = dates.parse(x.date)
      x.first_day, x.last_day = d and day_number(d.first), d and day_number(d.last)
      x.moved = fmt.exchange_moved(x)
      out[#out + 1] = x
   end
   return out
end

-- The records a report shows: parties, sources, claims grouped by subject (with the first
-- and last day each can mean), exchanges, and the claims of the store by id.
local function load_data(db)
   local data = { parties = {}, sources = {}, claims = {}, subjects = {}, exchanges = {}, party_order = {} }
   for p in records.parties(db) do
      data.parties[p.id] = p
      data.party_order[#data.party_order + 1] = p.id
   end
   for s in records.sources(db) do data.sources[s.id] = s end
   local groups, superseded = {}, {}
   for c in records.claims(db) do
      data.claims[c.id] = c
      if c.supersedes then superseded[c.supersedes] = c.id end
      local d = dates.parse(c.as_of)
      c.first_day, c.last_day = d and day_number(d.first), d and day_number(d.last)
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
   end
   for id, by in pairs(superseded) do
      if data.claims[id] then data.claims[id].superseded_by = by end
   end
   table.sort(data.subjects, function(a, b) return a.key < b.key end)
   data.exchanges = load_exchanges(db)
   return data
end

-- What a report of run shows, gathered once for every format. opts.db: an open store (else
-- the run's own, if it is still there); opts.data = false leaves the records out, and
-- "exchanges" takes only the exchanges.
-- Returns {run, counts, findings, outcomes, rules, history (nil without a store), data (nil
-- without a store), version}.
function report.gather(run, opts)
   opts = opts or {}
   local db, own = opts.db, nil
   if not db and run.open_store then
      own = run:open_store()
      db = own
   end
   local model = {
      run = { id = run.id, config = run.config_name, config_sha256 = run.config_sha256, started_at = run.started_at,
         finished_at = run.finished_at, status = run.status, store = run.store },
      counts = counts(run), findings = run.findings, outcomes = run.outcomes, rules = rules_of(run),
      version = require("parley.core").version,
   }
   if db then
      local ok, h = pcall(history.for_run, db, run)
      model.history = ok and h or nil
      if opts.data == "exchanges" then
         local ok2, exchanges = pcall(load_exchanges, db)
         model.data = ok2 and { exchanges = exchanges } or nil
      elseif opts.data ~= false then
         local ok2, data = pcall(load_data, db)
         model.data = ok2 and data or nil
      end
   end
   if own then own:close() end
   local kept = {}
   for _, f in ipairs(run.findings) do kept[f.rule] = (kept[f.rule] or 0) + 1 end
   model.kept = kept
   return model
end

-- "since run 4: 1 new, 2 persisting, 1 resolved", or "first run of CONFIG".
function report.history_line(model)
   local h = model.history
   if not h then return "history: not available (the run's store is gone)" end
   if not h.a then
      return string.format("history: first run of %s; every finding is new", tostring(model.run.config))
   end
   local s = string.format("since run %s (%s): %d new, %d persisting, %d resolved", tostring(h.a.id),
      tostring(h.a.started_at), #h.new, #h.persisting, #h.resolved)
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

---------------------------------------------------------------------------- text, json

local COLOURS = { critical = "\27[1;31m", high = "\27[31m", medium = "\27[33m", low = "\27[36m", info = "\27[2m" }

-- The text report lists the latest exchanges, up to this many.
local TEXT_EXCHANGES = 20

-- opts.colour: ANSI colours for a terminal.
function writers.text(model, opts)
   local out = {}
   local function line(...) out[#out + 1] = table.concat({ ... }) end
   local c = model.counts
   local function paint(sev, s)
      return opts.colour and ((COLOURS[sev] or "") .. s .. "\27[0m") or s
   end
   local h = model.history
   for i, f in ipairs(model.findings) do
      local change = h and h.a and (" (" .. h.change[i] .. ")") or ""
      line(paint(f.severity, string.format("[%s]", f.severity)), " ", f.rule, ": ", f.message, change)
      local ev, ms = fmt.evidence_text(f.evidence), fmt.measures_text(f.measures)
      if ev ~= "" then line("    evidence: ", ev) end
      if ms ~= "" then line("    measures: ", ms) end
   end
   if h then
      for _, f in ipairs(h.resolved) do line("[resolved] ", f.rule, ": ", f.message) end
   end
   for _, o in ipairs(model.outcomes) do
      if o.outcome == "error" then line(paint("critical", "[error]"), " ", o.rule, ": ", o.error or "failed") end
      if o.truncated then
         line(string.format("[note] %s: reported %d findings; the first %d were kept", o.rule, o.total,
            model.kept[o.rule] or 0))
      end
   end
   -- what moved between the parties, for the reader to set the findings against
   local exchanges = model.data and model.data.exchanges or {}
   local shown = math.min(#exchanges, TEXT_EXCHANGES)
   for i = #exchanges - shown + 1, #exchanges do
      local x = exchanges[i]
      line(string.format("[exchange] %s, %s%s: %s%s", x.id, x.date, x.place and (", " .. x.place) or "",
         fmt.exchange_moved(x), x.mediators and ("; mediated by " .. table.concat(x.mediators, ", ")) or ""))
   end
   if #exchanges > shown then line(string.format("[exchange] (%d earlier ones)", #exchanges - shown)) end
   line(report.history_line(model))
   local sev = {}
   for i = #vocab.SEVERITIES, 1, -1 do
      local s = vocab.SEVERITIES[i]
      if c.severity[s] > 0 then sev[#sev + 1] = string.format("%d %s", c.severity[s], s) end
   end
   line(string.format("run %s: %d rule%s, %d finding%s%s; %d rule error%s", tostring(model.run.id),
      #model.outcomes, #model.outcomes == 1 and "" or "s", c.findings, c.findings == 1 and "" or "s",
      #sev > 0 and (" (" .. table.concat(sev, ", ") .. ")") or "", c.outcomes.error or 0,
      (c.outcomes.error or 0) == 1 and "" or "s"))
   return table.concat(out, "\n") .. "\n"
end

function writers.json(model)
   local r = model.run
   local out = {}
   out[1] = json.encode({
      type = "run", id = r.id, config = r.config, config_sha256 = r.config_sha256,
      started_at = r.started_at, finished_at = r.finished_at, status = r.status,
   })
   local h = model.history
   if h then
      local resolved = {}
      for i, f in ipairs(h.resolved) do
         resolved[i] = { rule = f.rule, severity = f.severity, message = f.message, fingerprint = f.fingerprint }
      end
      out[#out + 1] = json.encode({
         type = "history", previous = h.a and h.a.id, new = #h.new, persisting = #h.persisting,
         resolved = resolved, rules_changed = h.rules_changed, rules_added = h.rules_added,
         rules_removed = h.rules_removed,
      })
   end
   for _, o in ipairs(model.outcomes) do
      out[#out + 1] = json.encode({
         type = "outcome", rule = o.rule, version = o.version, outcome = o.outcome, error = o.error,
         limit = o.limit, findings = o.total, truncated = o.truncated,
      })
   end
   for i, f in ipairs(model.findings) do
      out[#out + 1] = json.encode({
         type = "finding", rule = f.rule, rule_version = f.rule_version, severity = f.severity, message = f.message,
         fingerprint = f.fingerprint, evidence = f.evidence, measures = f.measures, details = f.details,
         change = h and h.change[i] or nil,
      })
   end
   return table.concat(out, "\n") .. "\n"
end

for _, name in ipairs({ "html", "markdown", "csv", "sarif" }) do
   writers[name] = function(model, opts)
      return require("parley.report_" .. name).render(model, opts)
   end
end

---------------------------------------------------------------------------- writing

-- Renders run in format: returns the text, or nil and a message.
function report.render(run, format, opts)
   local writer = writers[format]
   if not writer then
      return nil, string.format("unknown report format '%s' (known: %s)", tostring(format),
         table.concat(config.FORMATS, ", "))
   end
   opts = opts or {}
   local gather_opts = { db = opts.db, data = NEEDS_DATA[format] or false }
   return writer(report.gather(run, gather_opts), opts)
end

-- Writes run in format to path (or returns the text when path is nil). Returns true (or the
-- text), or nil and a message.
function report.write(run, format, path, opts)
   local text, err = report.render(run, format, opts)
   if not text then return nil, err end
   if not path then return text end
   local f, ferr = io.open(path, "wb")
   if not f then return nil, "cannot write report: " .. ferr end
   f:write(text)
   f:close()
   return true
end

-- run:report(format, path, opts): every run (from parley.reconcile or read back by history)
-- can write itself; the method is added here because reports sit a layer above runs.
require("parley.run").Run.report = report.write

return report
