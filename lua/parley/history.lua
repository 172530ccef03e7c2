-- SPDX-License-Identifier: MIT
-- The run history a store keeps (runs, rule_outcomes and findings, append-only): the list of
-- runs, a stored run loaded back into the shape parley.reconcile returns (so it can be
-- reported again without running its rules), and the difference between two runs: which
-- findings are new, persisting, corrected or resolved (matched by fingerprint; a finding on
-- corrected evidence is the correction of the one it replaces) and which rules changed
-- version and which records were corrected in between. See docs/reports.md.

local json = require "parley.json"
local run_class = require "parley.run"
local vocab = require "parley.vocab"

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
      finished_at = row.finished_at, status = row.status, store = row.store, imports = row.imports,
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
         finished_at = r.finished_at, status = r.status, imports = r.imports }
   end
   local row = db:first("SELECT * FROM runs WHERE id = ?", r)
   return row and run_summary(row)
end

---------------------------------------------------------------------------- corrections

-- The kinds of record a correction (`supersedes`) can replace.
local CORRECTABLE = { "claims", "lists", "exchanges", "sources" }

-- Each corrected record's id -> the id of the record that supersedes it, by kind, among the
-- records of imports up to upto (nil: all).
local function superseders(db, upto)
   local by = {}
   for _, kind in ipairs(CORRECTABLE) do
      by[kind] = {}
      local sql = "SELECT t.id, t.supersedes FROM " .. kind .. " t JOIN records r ON r.kind = ? AND r.id = t.id " ..
         "WHERE t.supersedes IS NOT NULL" .. (upto and " AND r.import <= ?" or "")
      for row in db:query(sql, upto and { kind, upto } or { kind }) do by[kind][row.supersedes] = row.id end
   end
   return by
end

-- The latest correction of id (id itself when none), following chains of corrections.
local function latest(by_kind, id)
   local seen = {}
   while by_kind and by_kind[id] and not seen[id] do
      seen[id] = true
      id = by_kind[id]
   end
   return id
end

local function evidence_table(e)
   if type(e) == "string" then return decode(e, {}) end
   return type(e) == "table" and e or {}
end

-- A finding's rule and evidence as one key: ids sorted within each kind.
local function evidence_key(rule, evidence, by)
   local parts, replaced = { rule }, {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      local ids = {}
      for _, id in ipairs(type(evidence[kind]) == "table" and evidence[kind] or {}) do
         local now = by and latest(by[kind], tostring(id)) or tostring(id)
         if now ~= tostring(id) then replaced[#replaced + 1] = { kind = kind, old = tostring(id), new = now } end
         ids[#ids + 1] = now
      end
      table.sort(ids)
      parts[#parts + 1] = kind .. "=" .. table.concat(ids, ",")
   end
   return table.concat(parts, "\0"), replaced
end

-- Pairs the resolved findings of d whose evidence was corrected with the new findings of the
-- same rule on the corrected evidence: each pair leaves new and resolved for d.corrected
-- ({from = the resolved finding, to = the new one, index = to's in fb, replaced = {{kind, old,
-- new}}}) and its
-- change is "corrected". fb: b's findings, in order.
local function pair_corrections(db, d, fb, upto)
   d.corrected = {}
   if #d.resolved == 0 or #d.new == 0 then return end
   local by = superseders(db, upto)
   local waiting = {}
   for _, r in ipairs(d.resolved) do
      local key, replaced = evidence_key(r.rule, r.evidence, by)
      if #replaced > 0 then
         waiting[key] = waiting[key] or {}
         table.insert(waiting[key], { finding = r, replaced = replaced })
      end
   end
   if next(waiting) == nil then return end
   local paired_resolved, paired_new = {}, {}
   for i, f in ipairs(fb) do
      if d.change[i] == "new" then
         local key = evidence_key(f.rule, evidence_table(f.evidence), nil)
         local list = waiting[key]
         if list and #list > 0 then
            local w = table.remove(list, 1)
            d.corrected[#d.corrected + 1] = { from = w.finding, to = f, index = i, replaced = w.replaced }
            d.change[i] = "corrected"
            paired_resolved[w.finding], paired_new[f] = true, true
         end
      end
   end
   local function without(list, paired)
      local out = {}
      for _, f in ipairs(list) do
         if not paired[f] then out[#out + 1] = f end
      end
      return out
   end
   d.new, d.resolved = without(d.new, paired_new), without(d.resolved, paired_resolved)
end

-- The records corrected between two runs: those of the imports after a's up to b's that
-- supersede another, {kind, id, supersedes} (nil when either run did not record its imports).
local function corrections_between(db, ia, ib)
   if not ia or not ib or ib <= ia then return ia and ib and {} or nil end
   local out = {}
   for _, kind in ipairs(CORRECTABLE) do
      for row in db:query("SELECT t.id, t.supersedes FROM " .. kind .. " t JOIN records r ON r.kind = ? AND " ..
         "r.id = t.id WHERE t.supersedes IS NOT NULL AND r.import > ? AND r.import <= ? ORDER BY t.id", kind, ia,
         ib) do
         out[#out + 1] = { kind = kind, id = row.id, supersedes = row.supersedes }
      end
   end
   return out
end

-- What changed from run a to run b (each an id, or a run in memory; a may be nil: b is then a
-- first run and every finding is new). Findings are matched by fingerprint, as many times as
-- each fingerprint occurs; a resolved finding whose evidence was corrected and a new finding of
-- the same rule on the corrected evidence are one finding, corrected. Returns {a, b
-- (summaries), new, persisting, resolved (findings; the resolved ones are a's), corrected
-- ({from, to, index (to's among b's findings), replaced}), change (per finding of b, by index: "new", "persisting" or
-- "corrected"), rules_changed ({rule, from, to}), rules_added, rules_removed, corrections (the
-- records corrected in between: {kind, id, supersedes}; nil when a run did not record its
-- imports)}, or nil and a message.
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
   pair_corrections(db, d, fb, sb.imports)
   d.corrections = sa and corrections_between(db, sa.imports, sb.imports) or nil
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
