-- SPDX-License-Identifier: MIT
-- parley verify: how far a store can be trusted, checked from its own content. A store
-- received from someone else may have been written by parley and then changed with any SQLite
-- tool; this says what was changed, where parley can tell:
--   the schema is the one parley's migrations make at the store's version (nothing extra or
--   changed: no trigger, view or index parley did not create, none of its own missing);
--   SQLite's integrity check and foreign-key check pass;
--   every append-only table has both of its guards (no UPDATE, no DELETE);
--   every record's digest, re-computed from the rows stored for it, is the one kept when it was
--   imported (a row edited behind parley's back shows here), every record row has its record
--   and every record its row;
--   each import holds the records its counts say;
--   each finding's fingerprint, re-computed from its rule and evidence, is the stored one, and
--   each rule's outcome holds as many findings as it reported.
-- What it cannot tell: a finding's message or measures changed (the fingerprint leaves them
-- out, so that a finding is the same one whatever its words); whether the file an import was
-- read from had the SHA-256 the import names (the file is not stored); or a record or finding
-- added with its digest re-computed by someone who knows how. A store is as trustworthy as
-- whoever sent it; this checks that its content is what parley would have written.

local core = require "parley.core"
local dataset = require "parley.dataset"
local export = require "parley.export"
local json = require "parley.json"
local record_schema = require "parley.record_schema"
local schema = require "parley.schema"
local vocab = require "parley.vocab"
require "parley.store" -- the typed readers join parley.Database

local verify = {}

local function pragma_value(db, name)
   local ok, row = pcall(db.first, db, "PRAGMA " .. name)
   return ok and row and row[name] or nil
end

local function check_schema(db, report)
   local app, version = pragma_value(db, "application_id"), pragma_value(db, "user_version")
   if app ~= schema.APPLICATION_ID then
      report:problem("schema", "it is not marked as a parley store (application_id is " .. tostring(app) .. ")")
      return nil
   end
   if version > schema.VERSION then
      report:problem("schema", string.format("schema version %d is newer than this parley knows (%d)", version,
         schema.VERSION))
      return nil
   end
   local problems = schema.differences(db, version, {})
   for _, p in ipairs(problems) do report:problem("schema", p) end
   if #problems == 0 then
      local others = schema.other_tables(db, version)
      report:passed("schema", string.format("version %d, exactly as parley's migrations make it%s", version,
         #others > 0 and ("; it also holds tables parley does not know, left alone: " .. table.concat(others, ", "))
            or ""))
   end
   return version
end

local function check_integrity(db, report)
   local bad = {}
   for row in db:query("PRAGMA integrity_check") do
      if row.integrity_check ~= "ok" then bad[#bad + 1] = row.integrity_check end
   end
   for row in db:query("PRAGMA foreign_key_check") do
      bad[#bad + 1] = string.format("a row of %s (rowid %s) refers to a missing row of %s", row.table,
         tostring(row.rowid), row.parent)
   end
   for _, b in ipairs(bad) do report:problem("integrity", b) end
   if #bad == 0 then report:passed("integrity", "SQLite's integrity and foreign-key checks pass") end
end

local function check_guards(db, report, version)
   local guards, missing, tables = schema.guards(version), 0, {}
   for _, g in ipairs(guards) do
      tables[g.table] = true
      if not db:first("SELECT 1 AS found FROM sqlite_schema WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
         g.name, g.table) then
         missing = missing + 1
         report:problem("append-only", "the guard " .. g.name .. " is missing: rows of " .. g.table ..
            " can be changed")
      end
   end
   local n = 0
   for _ in pairs(tables) do n = n + 1 end
   if missing == 0 then
      report:passed("append-only", string.format("all %d guards present (%d tables, no UPDATE, no DELETE)", #guards, n))
   end
end

-- Rows of a kind's table without a records row, and records rows without their row.
local function check_pairing(db, report)
   local n = 0
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      local tbl = record_schema.kinds[kind].name
      -- a person only a list or a transfer names is part of that record, not one of its own
      local own = kind == "persons" and " AND listed_only = 0" or ""
      for row in db:query(string.format("SELECT id FROM %s WHERE id NOT IN (SELECT id FROM records WHERE kind = ?)%s",
         tbl, own), kind) do
         n = n + 1
         report:problem("records", string.format("%s %s is in the table %s but was never imported", kind, row.id, tbl))
      end
      for row in db:query(string.format("SELECT id FROM records WHERE kind = ? AND id NOT IN (SELECT id FROM %s)",
         tbl), kind) do
         n = n + 1
         report:problem("records", string.format("%s %s was imported but its row is gone from %s", kind, row.id, tbl))
      end
   end
   return n == 0
end

-- Each record read back as a dataset (parley.export) and validated as an import would be: its
-- digest is computed the same way and compared with the one kept in records.
local function check_digests(db, report)
   local kept = {}
   for row in db:query("SELECT kind, id, digest FROM records") do
      kept[row.kind .. "\0" .. row.id] = row.digest
   end
   local docs = {}
   for _, d in ipairs(export.documents(db)) do
      docs[#docs + 1] = { data = d.data, name = string.format("import %d (%s)", d.import, d.name) }
   end
   local batch, problems = dataset.validate(docs, {
      exists = function(kind, id)
         return db:first("SELECT 1 AS found FROM records WHERE kind = ? AND id = ?", kind, id) ~= nil
      end,
   })
   for _, p in ipairs(problems) do
      report:problem("records", "a stored record no longer validates: " .. dataset.format_problems({ p }))
   end
   local n, changed = 0, 0
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      for i, r in ipairs(batch.records[kind]) do
         n = n + 1
         local want, got = kept[kind .. "\0" .. r.id], batch.digests[kind][i]
         if want ~= got then
            changed = changed + 1
            report:problem("records", string.format("%s %s differs from what was imported (its digest was %s, " ..
               "its rows now give %s)", kind, r.id, tostring(want), got))
         end
      end
   end
   if changed == 0 and #problems == 0 then
      report:passed("records", string.format("%d records, each digest re-computed from its rows and equal to the " ..
         "one kept at import", n))
   end
end

local function check_imports(db, report)
   local bad, n = 0, 0
   for import in db:imports() do
      n = n + 1
      local counts = type(import.counts) == "table" and import.counts or {}
      for _, kind in ipairs(vocab.RECORD_KINDS) do
         local have = db:first("SELECT count(*) AS n FROM records WHERE import = ? AND kind = ?", import.id, kind).n
         if have ~= (counts[kind] or 0) then
            bad = bad + 1
            report:problem("imports", string.format("import %d (%s) added %s %s, and the store holds %d of them",
               import.id, import.name, tostring(counts[kind] or 0), kind, have))
         end
      end
   end
   if bad == 0 then
      report:passed("imports", string.format("%d imports, each holding the records its counts say", n))
   end
end

-- A finding's fingerprint is sha256(rule .. "\n" .. json.encode(evidence, each kind's ids
-- sorted)), its first characters (src/sandbox_finding.c): re-computed, it shows evidence or a
-- rule changed after the run. And a rule's outcome counts its findings: fewer stored than
-- counted, when none were cut by the findings limit, is a finding removed.
local function fingerprint(rule, evidence_json, digits)
   local ok, evidence = pcall(json.decode, evidence_json)
   if not ok or type(evidence) ~= "table" then return nil end
   local sorted = {}
   for kind, ids in pairs(evidence) do
      if type(ids) ~= "table" then return nil end
      local copy = table.move(ids, 1, #ids, 1, {})
      local fine = pcall(table.sort, copy)
      if not fine then return nil end
      sorted[kind] = copy
   end
   return core.sha256(rule .. "\n" .. json.encode(sorted)):sub(1, digits)
end

local function check_findings(db, report)
   local n, bad = 0, 0
   for f in db:query("SELECT id, run, rule, evidence, fingerprint FROM findings ORDER BY id") do
      n = n + 1
      if fingerprint(f.rule, f.evidence, #f.fingerprint) ~= f.fingerprint then
         bad = bad + 1
         report:problem("findings", string.format("finding %d of run %d (%s): its fingerprint does not match its " ..
            "rule and evidence: changed after the run", f.id, f.run, f.rule))
      end
   end
   for o in db:query("SELECT o.run, o.rule, o.findings, o.truncated, (SELECT count(*) FROM findings f " ..
      "WHERE f.run = o.run AND f.rule = o.rule) AS stored FROM rule_outcomes o ORDER BY o.run, o.rule") do
      if o.stored > o.findings or (o.truncated == 0 and o.stored ~= o.findings) then
         bad = bad + 1
         report:problem("findings", string.format("run %d, rule %s reported %d findings and the store holds %d%s",
            o.run, o.rule, o.findings, o.stored, o.truncated == 1 and " (more than it kept)" or ""))
      end
   end
   if bad == 0 then
      report:passed("findings", string.format("%d findings, each fingerprint re-computed from its rule and " ..
         "evidence, as many as each rule reported", n))
   end
end

local Report = {}
Report.__index = Report
function Report:problem(check, message)
   self.problems[#self.problems + 1] = { check = check, message = message }
end
function Report:passed(check, message)
   self.passed_checks[#self.passed_checks + 1] = { check = check, message = message }
end

-- verify.store(path): opens path read-only without trusting it (no schema is refused: each
-- difference becomes a problem) and runs every check. Returns {passed_checks = {{check=,
-- message=}}, problems = {{check=, message=}}}, or nil and a message when it cannot be opened.
function verify.store(path)
   local db, err = core.connect(path, { readonly = true })
   if not db then return nil, err end
   local report = setmetatable({ path = path, passed_checks = {}, problems = {} }, Report)
   local ok, failure = pcall(function()
      local version = check_schema(db, report)
      check_integrity(db, report)
      if not version then return end
      check_guards(db, report, version)
      if version ~= schema.VERSION then
         report:problem("records", string.format("schema version %d: open it once with parley to migrate it to %d " ..
            "before its records can be checked", version, schema.VERSION))
         return
      end
      if check_pairing(db, report) then check_digests(db, report) end
      check_imports(db, report)
      check_findings(db, report)
   end)
   db:close()
   if not ok then report:problem("store", "cannot be read as a parley store: " .. tostring(failure)) end
   return report
end

return verify
