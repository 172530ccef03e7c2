-- SPDX-License-Identifier: MIT
-- The run history a store keeps (runs, rule_outcomes and findings, append-only): the list of
-- runs, a stored run loaded back into the shape parley.reconcile returns (so it can be
-- reported again without running its rules), and the difference between two runs: which
-- findings are new, persisting or resolved (matched by fingerprint) and which rules changed
-- version in between. See docs/reports.md.

local json = require "parley.json"
local run_class = require "parley.run"

local history = {}

local function decode(s, default)
   if s == nil then return default end
   local ok, v = pcall(json.decode, s)
   if not ok or v == json.null then return default end
   return v
end

local function run_summary(row)
   return {
      id = row.id, config = row.config, config_sha256 = row.config_sha256, started_at = row.started_at,
      finished_at = row.finished_at, status = row.status, store = row.store,
   }
end

-- Every stored run, oldest first: {id, config, config_sha256, started_at, finished_at,
-- status, store, findings (stored), errors (rules that failed)}.
function history.runs(db)
   local out = {}
   for row in db:query("SELECT r.*, " ..
      "(SELECT count(*) FROM findings f WHERE f.run = r.id) AS n_findings, " ..
      "(SELECT count(*) FROM rule_outcomes o WHERE o.run = r.id AND o.outcome = 'error') AS n_errors " ..
      "FROM runs r ORDER BY r.id") do
      local r = run_summary(row)
      r.findings, r.errors = row.n_findings, row.n_errors
      out[#out + 1] = r
   end
   return out
end

-- The latest stored run (of one config when config is given), or nil.
function history.latest(db, config)
   local row
   if config then
      row = db:first("SELECT id FROM runs WHERE config = ? ORDER BY id DESC LIMIT 1", config)
   else
      row = db:first("SELECT id FROM runs ORDER BY id DESC LIMIT 1")
   end
   return row and row.id
end

-- The run before run id of the same config: the latest earlier run with that config name.
function history.previous(db, id, config)
   if not config then
      local row = db:first("SELECT config FROM runs WHERE id = ?", id)
      if not row then return nil end
      config = row.config
   end
   local row
   if id then
      row = db:first("SELECT id FROM runs WHERE config = ? AND id < ? ORDER BY id DESC LIMIT 1", config, id)
   else
      row = db:first("SELECT id FROM runs WHERE config = ? ORDER BY id DESC LIMIT 1", config)
   end
   return row and row.id
end

-- A stored run in the shape parley.reconcile returns it (run.findings, run.outcomes,
-- run.rules, run:report(...)), read from the store without running any rule. Report it with
-- run:report(format, path, {db = db}) so the report can show the data behind the findings.
-- Returns the run, or nil and a message.
function history.load_run(db, id)
   id = math.tointeger(tonumber(id))
   if not id then return nil, "a run id is a number" end
   local row = db:first("SELECT * FROM runs WHERE id = ?", id)
   if not row then return nil, string.format("there is no run %d in %s", id, db:path()) end
   local run = run_summary(row)
   run.config, run.config_name = nil, row.config
   run.findings, run.outcomes, run.rules = {}, {}, {}
   for o in db:query("SELECT * FROM rule_outcomes WHERE run = ? ORDER BY rule", id) do
      run.outcomes[#run.outcomes + 1] = {
         rule = o.rule, version = o.version, description = o.description, outcome = o.outcome, error = o.error,
         limit = o.limit_hit, total = o.findings, truncated = o.truncated == 1, log = decode(o.log, {}),
         seconds = o.seconds,
      }
      run.rules[o.rule] = { version = o.version, description = o.description }
   end
   for f in db:query("SELECT * FROM findings WHERE run = ? ORDER BY id", id) do
      run.findings[#run.findings + 1] = {
         rule = f.rule, rule_version = f.rule_version, severity = f.severity, message = f.message,
         fingerprint = f.fingerprint, evidence = decode(f.evidence, {}), measures = decode(f.measures, {}),
         details = decode(f.details, nil),
      }
   end
   run.loaded = true
   return run_class.new(run)
end

-- The findings of a run (an id: read from the store; a table: a run in memory), as
-- {fingerprint, rule, severity, message, evidence (text or table)} in the run's order.
local function findings_of(db, r)
   if type(r) == "table" then return r.findings end
   local out = {}
   for f in db:query("SELECT fingerprint, rule, severity, message, evidence FROM findings WHERE run = ? " ..
      "ORDER BY id", r) do
      out[#out + 1] = f
   end
   return out
end

local function versions_of(db, r)
   local out = {}
   if type(r) == "table" then
      for _, o in ipairs(r.outcomes) do out[o.rule] = o.version or "" end
   else
      for o in db:query("SELECT rule, version FROM rule_outcomes WHERE run = ?", r) do out[o.rule] = o.version or "" end
   end
   return out
end

local function summary_of(db, r)
   if type(r) == "table" then
      return { id = r.id, config = r.config_name, config_sha256 = r.config_sha256, started_at = r.started_at,
         finished_at = r.finished_at, status = r.status }
   end
   local row = db:first("SELECT * FROM runs WHERE id = ?", r)
   return row and run_summary(row)
end

-- What changed from run a to run b (each an id, or a run in memory; a may be nil: b is then a
-- first run and every finding is new). Findings are matched by fingerprint, as many times as
-- each fingerprint occurs. Returns {a, b (summaries), new, persisting, resolved (findings; the
-- resolved ones are a's), change (per finding of b, by index: "new" or "persisting"),
-- rules_changed ({rule, from, to}), rules_added, rules_removed}, or nil and a message.
function history.diff(db, a, b)
   local sb = summary_of(db, b)
   if not sb then return nil, string.format("there is no run %s in %s", tostring(b), db:path()) end
   local sa
   if a ~= nil then
      sa = summary_of(db, a)
      if not sa then return nil, string.format("there is no run %s in %s", tostring(a), db:path()) end
   end
   local fb = findings_of(db, b)
   local fa = a ~= nil and findings_of(db, a) or {}
   local d = { a = sa, b = sb, new = {}, persisting = {}, resolved = {}, change = {}, rules_changed = {},
      rules_added = {}, rules_removed = {} }
   local left = {}
   for _, f in ipairs(fa) do left[f.fingerprint] = (left[f.fingerprint] or 0) + 1 end
   local taken = {}
   for i, f in ipairs(fb) do
      local n = left[f.fingerprint]
      if n and n > 0 then
         left[f.fingerprint] = n - 1
         taken[f.fingerprint] = (taken[f.fingerprint] or 0) + 1
         d.persisting[#d.persisting + 1] = f
         d.change[i] = "persisting"
      else
         d.new[#d.new + 1] = f
         d.change[i] = "new"
      end
   end
   for _, f in ipairs(fa) do
      local n = taken[f.fingerprint]
      if n and n > 0 then
         taken[f.fingerprint] = n - 1
      else
         local r = { fingerprint = f.fingerprint, rule = f.rule, severity = f.severity, message = f.message,
            evidence = type(f.evidence) == "string" and decode(f.evidence, {}) or f.evidence }
         d.resolved[#d.resolved + 1] = r
      end
   end
   if a ~= nil then
      local va, vb = versions_of(db, a), versions_of(db, b)
      for rule, v in pairs(vb) do
         if va[rule] == nil then
            d.rules_added[#d.rules_added + 1] = { rule = rule, to = v }
         elseif va[rule] ~= v then
            d.rules_changed[#d.rules_changed + 1] = { rule = rule, from = va[rule], to = v }
         end
      end
      for rule, v in pairs(va) do
         if vb[rule] == nil then d.rules_removed[#d.rules_removed + 1] = { rule = rule, from = v } end
      end
      for _, l in ipairs({ d.rules_changed, d.rules_added, d.rules_removed }) do
         table.sort(l, function(x, y) return x.rule < y.rule end)
      end
   end
   return d
end

-- The history a report of run shows: the diff from the previous run of the same config (the
-- latest earlier one in the store) to run. run is in memory (its id is set once stored).
function history.for_run(db, run)
   local prev = history.previous(db, run.id, run.config_name)
   return history.diff(db, prev, run)
end

return history
