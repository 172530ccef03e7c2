-- SPDX-License-Identifier: MIT
-- A run: what parley.reconcile returns and history.load_run reads back from a store. It
-- holds the findings (sorted, most severe first), the outcome of each rule and the rules'
-- versions, and knows the store it was made on. Reports extend it with run:report (required
-- from parley.report, a layer above, so this module needs neither the engine nor reports).
--
-- A finding of a run the engine just made also keeps the JSON texts the sandbox encoded its
-- evidence, measures and details as (evidence_json, measures_json, details_json): run:store
-- writes them as they are, so each is encoded once.

local files = require "parley.files"
local json = require "parley.json"
local store = require "parley.store"
local vocab = require "parley.vocab"

local run = {}

local Run = {}
Run.__index = Run
run.Run = Run

-- A run on an in-memory store keeps its temporary store until the run itself is collected,
-- so it can still be reported (reports read the claims and exchanges behind the findings).
Run.__gc = function(self)
   if self.temporary then
      files.remove_private_store(self.temporary)
   end
end

-- run.new(fields): a run from its fields (config_name, findings, outcomes, rules, ...).
function run.new(fields)
   return setmetatable(fields, Run)
end

-- The store a run was made on, open read-only, for reports that show the data behind it.
function Run:open_store()
   local path = self.temporary or self.store
   if not path or path == ":memory:" then return nil, "this run's store is gone" end
   return store.open(path, { readonly = true })
end

-- db:exec, raising its error.
local function exec(db, sql, ...)
   local n, err = db:exec(sql, ...)
   if not n then error(err, 0) end
   return n
end

local function insert_rows(self, db)
   exec(db, "INSERT INTO runs (config, config_sha256, started_at, finished_at, status, store, imports) " ..
      "VALUES (?, ?, ?, ?, ?, ?, ?)", self.config_name, self.config_sha256, self.started_at, self.finished_at,
      self.status, self.store, self.imports)
   self.id = db:last_insert_rowid()
   for _, o in ipairs(self.outcomes) do
      exec(db, "INSERT INTO rule_outcomes (run, rule, version, outcome, error, findings, truncated, " ..
         "description, limit_hit, log, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.id, o.rule,
         o.version, o.outcome, o.error, o.total or 0, o.truncated and 1 or 0, o.description, o.limit,
         json.encode(o.log or {}), o.seconds)
   end
   -- the resolutions of people its rules read (parley.engine prepared them)
   for _, r in ipairs(self.resolutions or {}) do
      exec(db, "INSERT INTO run_resolutions (run, resolution) VALUES (?, ?)", self.id, r.id)
   end
   for _, f in ipairs(self.findings) do
      exec(db, "INSERT INTO findings (run, rule, rule_version, severity, message, fingerprint, evidence, " ..
         "measures, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self.id, f.rule, f.rule_version, f.severity,
         f.message, f.fingerprint, f.evidence_json, f.measures_json, f.details_json)
   end
end

-- run:save(db): appends the run, its outcomes and its findings to the store in one
-- transaction, and sets run.id. Returns true, or nil and the store's error.
function Run:save(db)
   local ok, err = pcall(db.transaction, db, function() insert_rows(self, db) end)
   if not ok then return nil, err end
   return true
end

-- The counts a summary needs: findings per severity, outcomes per kind.
function Run:counts()
   local c = { findings = #self.findings, severity = {}, outcomes = {} }
   for _, s in ipairs(vocab.SEVERITIES) do c.severity[s] = 0 end
   for _, f in ipairs(self.findings) do c.severity[f.severity] = c.severity[f.severity] + 1 end
   for _, o in ipairs(self.outcomes) do c.outcomes[o.outcome] = (c.outcomes[o.outcome] or 0) + 1 end
   return c
end

return run
