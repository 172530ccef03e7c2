-- SPDX-License-Identifier: MIT
-- The store's schema and its ordered migrations.
--
-- PRAGMA application_id marks a database as a parley store and PRAGMA user_version holds the
-- number of migrations applied, so a store written by an older parley is brought up to date
-- when a newer one opens it, and one written by a newer parley is refused rather than misread.

local record_schema = require "parley.record_schema"
local printable = require("parley.text").printable

local schema = {}

-- "PRLY": tells a parley store from any other SQLite database.
schema.APPLICATION_ID = 0x50524C59

-- Dates are kept as written ("2021", "2021-06", "2021-06-12") with their precision and the
-- first and last day they can mean, so "June 2021" is never taken for 1 June 2021.
-- Lists of free strings (scope tags, mine types) are JSON arrays, queryable with json_each;
-- lists of references are child tables, so foreign keys hold them to account.
-- Every reference is DEFERRABLE so one import can name records in any order.
local function date_columns(name)
   return string.format("%s TEXT, %s_precision TEXT, %s_start TEXT, %s_end TEXT", name, name, name, name)
end

-- A migration's text, once released, is part of every store it made: parley.open compares a
-- store's schema with what these migrations make, statement text for statement text, and
-- refuses any difference (schema.differences). So a migration is never edited, not even its
-- spacing; a change to the schema is a new migration.
schema.migrations = {
   -- 1: the data model.
   [1] = [[
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  counts TEXT NOT NULL
);
CREATE INDEX imports_sha256 ON imports(sha256);

-- One row per imported record: its canonical digest makes re-importing the same record a
-- no-op and importing different content under the same id an error.
CREATE TABLE records (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  digest TEXT NOT NULL,
  import INTEGER NOT NULL REFERENCES imports(id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE TABLE parties (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT,
  notes TEXT
);

CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  party TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  speaker TEXT,
  ]] .. date_columns("published") .. [[,
  url TEXT,
  reliability TEXT CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
  credibility INTEGER CHECK (credibility BETWEEN 1 AND 6),
  supersedes TEXT REFERENCES sources(id) DEFERRABLE INITIALLY DEFERRED,
  notes TEXT
);

CREATE TABLE claims (
  id TEXT PRIMARY KEY,
  claimant TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  source TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY DEFERRED,
  ]] .. date_columns("as_of") .. [[,
  subject TEXT NOT NULL,
  holder TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  about TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  region TEXT,
  count_exact INTEGER,
  count_best INTEGER,
  count_low INTEGER,
  count_high INTEGER,
  count_approx INTEGER,
  value_type TEXT CHECK (value_type IN ('boolean', 'integer', 'number', 'string')),
  value TEXT,
  scope TEXT,
  text TEXT,
  supersedes TEXT REFERENCES claims(id) DEFERRABLE INITIALLY DEFERRED,
  notes TEXT
);
CREATE INDEX claims_subject ON claims(subject, holder, about);

CREATE TABLE persons (
  id TEXT PRIMARY KEY,
  born_year INTEGER,
  born TEXT,
  sex TEXT,
  category TEXT,
  rank TEXT,
  father_name TEXT,
  notes TEXT,
  listed_only INTEGER NOT NULL DEFAULT 0
);

-- Names a person record itself gives (entries in lists and transfers carry their own).
CREATE TABLE person_names (
  person TEXT NOT NULL REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  script TEXT NOT NULL,
  written_by TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (person, position)
) WITHOUT ROWID;

CREATE TABLE lists (
  id TEXT PRIMARY KEY,
  claimant TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  source TEXT REFERENCES sources(id) DEFERRABLE INITIALLY DEFERRED,
  ]] .. date_columns("as_of") .. [[,
  subject TEXT NOT NULL,
  holder TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  about TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  text TEXT,
  supersedes TEXT REFERENCES lists(id) DEFERRABLE INITIALLY DEFERRED,
  notes TEXT
);

CREATE TABLE exchanges (
  id TEXT PRIMARY KEY,
  ]] .. date_columns("date") .. [[,
  place TEXT,
  text TEXT,
  supersedes TEXT REFERENCES exchanges(id) DEFERRABLE INITIALLY DEFERRED,
  notes TEXT
);

CREATE TABLE exchange_mediators (
  exchange TEXT NOT NULL REFERENCES exchanges(id) DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (exchange, position)
) WITHOUT ROWID;

CREATE TABLE exchange_sources (
  exchange TEXT NOT NULL REFERENCES exchanges(id) DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  source TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (exchange, position)
) WITHOUT ROWID;

CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL REFERENCES exchanges(id) DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  from_party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  to_party TEXT NOT NULL REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  detainees INTEGER,
  remains INTEGER,
  notes TEXT,
  UNIQUE (exchange, position)
);

-- A person as one list or one transfer gives them: the name as that side wrote it.
CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  list TEXT REFERENCES lists(id) DEFERRABLE INITIALLY DEFERRED,
  transfer INTEGER REFERENCES transfers(id) DEFERRABLE INITIALLY DEFERRED,
  cargo TEXT CHECK (cargo IN ('detainees', 'remains')),
  position INTEGER NOT NULL,
  person TEXT NOT NULL REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  person_given INTEGER NOT NULL,
  name TEXT,
  script TEXT,
  written_by TEXT REFERENCES parties(id) DEFERRABLE INITIALLY DEFERRED,
  born_year INTEGER,
  born TEXT,
  sex TEXT,
  category TEXT,
  rank TEXT,
  father_name TEXT,
  notes TEXT,
  CHECK ((list IS NULL) <> (transfer IS NULL))
);
CREATE INDEX entries_list ON entries(list, position);
CREATE INDEX entries_transfer ON entries(transfer, cargo, position);
CREATE INDEX entries_person ON entries(person);

CREATE TABLE mine_maps (
  id INTEGER PRIMARY KEY,
  transfer INTEGER NOT NULL REFERENCES transfers(id) DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  region TEXT NOT NULL,
  mines INTEGER,
  types TEXT,
  reference_points TEXT,
  perimeter TEXT,
  emplacing_method TEXT,
  fuze TEXT,
  lifetime TEXT,
  ]] .. date_columns("date_laid") .. [[,
  anti_handling TEXT,
  notes TEXT,
  UNIQUE (transfer, position)
);
]],

   -- 2: history is never lost (imported records cannot be changed or removed, even through
   -- db:exec), and the tables the reconciliation engine writes its runs to.
   [2] = [[
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  config TEXT NOT NULL,
  config_sha256 TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT
);

CREATE TABLE rule_outcomes (
  run INTEGER NOT NULL REFERENCES runs(id),
  rule TEXT NOT NULL,
  version TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'findings', 'error', 'skipped')),
  error TEXT,
  findings INTEGER NOT NULL DEFAULT 0,
  truncated INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run, rule)
);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id),
  rule TEXT NOT NULL,
  rule_version TEXT,
  severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  message TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  evidence TEXT NOT NULL,
  measures TEXT NOT NULL
);
CREATE INDEX findings_run ON findings(run, rule);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
]],
}

-- 3: what a stored run needs to be reported again without running its rules: each finding's
-- details, and each rule's description, the limit it hit and its trace.
schema.migrations[3] = [[
ALTER TABLE findings ADD COLUMN details TEXT;
ALTER TABLE rule_outcomes ADD COLUMN description TEXT;
ALTER TABLE rule_outcomes ADD COLUMN limit_hit TEXT;
ALTER TABLE rule_outcomes ADD COLUMN log TEXT;
ALTER TABLE rule_outcomes ADD COLUMN seconds REAL;
ALTER TABLE runs ADD COLUMN store TEXT;
]]

-- 4: "current" records (those nothing supersedes) are asked for by every rule.
schema.migrations[4] = [[
CREATE INDEX claims_supersedes ON claims(supersedes);
CREATE INDEX lists_supersedes ON lists(supersedes);
CREATE INDEX exchanges_supersedes ON exchanges(supersedes);
CREATE INDEX sources_supersedes ON sources(supersedes);
]]

-- Tables whose rows, once written, stay as they are.
schema.append_only = {
   "imports", "records", "parties", "sources", "claims", "persons", "person_names", "lists",
   "exchanges", "exchange_mediators", "exchange_sources", "transfers", "entries", "mine_maps",
   "findings",
}

function schema.append_only_triggers(tables)
   local out = {}
   for _, t in ipairs(tables or schema.append_only) do
      for _, op in ipairs({ "UPDATE", "DELETE" }) do
         out[#out + 1] = string.format(
            "CREATE TRIGGER %s_no_%s BEFORE %s ON %s BEGIN SELECT RAISE(ABORT, " ..
            "'%s are never changed or removed: record a correction with supersedes'); END;",
            t, op:lower(), op, t, t)
      end
   end
   return table.concat(out, "\n")
end
schema.migrations[2] = schema.migrations[2] .. schema.append_only_triggers()
-- (migration 3 is defined above the list of append-only tables; the triggers are unchanged)

-- Tables added after migration 4 that are no record kind's (those come from parley.record_schema),
-- by the migration that adds them; append-only like imports.
local ADDED_TABLES = {
   -- what each import's `vocabulary:` adds to parley.terms' default vocabulary, as JSON: the
   -- readers merge them in import order, so a store knows the subjects and scope tags it holds
   [5] = { name = "vocabularies", sql = [[
CREATE TABLE vocabularies (
  import INTEGER PRIMARY KEY REFERENCES imports(id) DEFERRABLE INITIALLY DEFERRED,
  vocabulary TEXT NOT NULL
);
]] },
}
for _, t in pairs(ADDED_TABLES) do schema.append_only[#schema.append_only + 1] = t.name end

-- Tables of derived data, by the migration that adds them: computed from the imported records,
-- replaced when those change, never append-only and never an import's.
local DERIVED_TABLES = {
   -- 8: the stored resolution of people (parley.people, docs/people.md). A resolution is one
   -- parameter set's (its scope, "threshold/review"): the header of each computation stays (a
   -- run names the one it read), the rows of a scope are its latest computation's, updated in
   -- place by incremental re-resolution. inputs: the digest of the imports it read.
   [8] = [[
CREATE TABLE resolutions (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  resolver TEXT NOT NULL,
  params TEXT NOT NULL,
  imports INTEGER NOT NULL,
  inputs TEXT NOT NULL,
  decisions TEXT NOT NULL,
  resolved_at TEXT NOT NULL,
  basis INTEGER REFERENCES resolutions(id),
  work TEXT NOT NULL,
  current INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX resolutions_scope ON resolutions(scope, current);
CREATE TABLE resolution_people (
  scope TEXT NOT NULL,
  id TEXT NOT NULL,
  names TEXT NOT NULL,
  PRIMARY KEY (scope, id)
) WITHOUT ROWID;
CREATE TABLE resolution_entries (
  scope TEXT NOT NULL,
  entry TEXT NOT NULL,
  person TEXT NOT NULL,
  PRIMARY KEY (scope, entry)
) WITHOUT ROWID;
CREATE TABLE resolution_links (
  scope TEXT NOT NULL,
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  score REAL NOT NULL,
  held_apart TEXT,
  PRIMARY KEY (scope, a, b)
) WITHOUT ROWID;
CREATE TABLE run_resolutions (
  run INTEGER NOT NULL REFERENCES runs(id),
  resolution INTEGER NOT NULL REFERENCES resolutions(id),
  PRIMARY KEY (run, resolution)
) WITHOUT ROWID;
]],
}

-- Indexes added after migration 4, by the migration that adds them (on tables any migration
-- before made).
local ADDED_INDEXES = {
   -- 10: the orders the readers and the rules read records in (claims and lists by as_of,
   -- exchanges by date and decisions as decided: parley.records), so that reading them all is a
   -- walk of an index rather than a sort of every row (a rule's connection has a small page
   -- cache, and a sort of 100k claims spills to temporary files); the decisions a later one
   -- supersedes (the readers' `current` filter, else a scan of the decisions for each); and the
   -- references an import can write before the row they name, which SQLite then looks for on
   -- every row of that table written while one waits (a scan of the referencing table each,
   -- without an index): a claim's part_of and a source's via name rows of their own table
   -- (store.lua's write order cannot put the named one first), a list's exchange is written
   -- before the exchanges (entries' names stay in the order written), and a decision supersedes
   -- one of its own table.
   [10] = [[
CREATE INDEX claims_as_of ON claims(as_of_start, id);
CREATE INDEX lists_as_of ON lists(as_of_start, id);
CREATE INDEX exchanges_date ON exchanges(date_start, id);
CREATE INDEX identities_decided ON identities(decided_on_start, id);
CREATE INDEX identities_supersedes ON identities(supersedes);
CREATE INDEX claims_part_of ON claims(part_of);
CREATE INDEX sources_via ON sources(via);
CREATE INDEX lists_exchange ON lists(exchange);
]],
}

-- 5 and later: the columns of fields added to a record kind's description after migration 4
-- (parley.record_schema: a field with `since = N` is added to older stores by migration N).
-- Migrations 1 to 4 are history, written out above.
local HISTORY = #schema.migrations
-- Columns of the run history and of the imports added after migration 4, by the migration that
-- adds them (beside the record fields with the same `since`).
local RUN_COLUMNS = {
   -- 6: the last import a run read (imports are append-only: imports 1 to N were present), so
   -- that a stored run is reported from exactly the records it saw (docs/reports.md)
   [6] = "ALTER TABLE runs ADD COLUMN imports INTEGER;\n",
   -- 7: where each record was written: the file an import read (a YAML file, a table), and each
   -- record's line and column in it (a table's row), with the file of its own when that is
   -- another (a table's list, in its mapping), so reports point at the dataset's line
   -- (docs/reports.md); records imported before have none
   [7] = "ALTER TABLE imports ADD COLUMN file TEXT;\nALTER TABLE records ADD COLUMN line INTEGER;\n" ..
      "ALTER TABLE records ADD COLUMN col INTEGER;\nALTER TABLE records ADD COLUMN file TEXT;\n",
}
do
   local added, last = {}, HISTORY
   for v, sql in pairs(RUN_COLUMNS) do
      added[v] = sql
      last = math.max(last, v)
   end
   local names = {}
   for name in pairs(record_schema.tables) do names[#names + 1] = name end
   table.sort(names)
   for _, name in ipairs(names) do
      local t = record_schema.tables[name]
      if t.since then
         -- a table added later: created whole, append-only like every imported table
         assert(t.since > HISTORY, "table " .. name .. ": since must be after migration " .. HISTORY)
         added[t.since] = (added[t.since] or "") .. record_schema.table_ddl(t) ..
            schema.append_only_triggers({ name }) .. "\n"
         last = math.max(last, t.since)
      end
      for _, c in ipairs(t.since and {} or t.columns) do
         if c.since then
            assert(c.since > HISTORY, "column " .. c.name .. ": since must be after migration " .. HISTORY)
            assert(not c.not_null, "column " .. c.name .. ": a column added to existing rows cannot be NOT NULL")
            added[c.since] = (added[c.since] or "") ..
               string.format("ALTER TABLE %s ADD COLUMN %s;\n", name, record_schema.column_ddl(c))
            last = math.max(last, c.since)
         end
      end
   end
   for v in pairs(ADDED_TABLES) do last = math.max(last, v) end
   for v in pairs(ADDED_INDEXES) do last = math.max(last, v) end
   for v in pairs(DERIVED_TABLES) do last = math.max(last, v) end
   for v = HISTORY + 1, last do
      local t = ADDED_TABLES[v]
      schema.migrations[v] = (t and (t.sql .. schema.append_only_triggers({ t.name }) .. "\n") or "") ..
         (DERIVED_TABLES[v] or "") .. (ADDED_INDEXES[v] or "") ..
         assert(added[v] or (t or DERIVED_TABLES[v] or ADDED_INDEXES[v]) and "",
            "no field of the record description has since = " .. v)
   end
end

schema.VERSION = #schema.migrations

-- Tables a parley store has, to refuse adopting a database that already uses one of the names.
function schema.table_names()
   local names = {}
   for _, sql in ipairs(schema.migrations) do
      for name in sql:gmatch("CREATE TABLE (%w+)") do names[#names + 1] = name end
   end
   return names
end

local function pragma(db, name)
   local row, err = db:first("PRAGMA " .. name)
   if not row then return nil, err end
   return row[name]
end

-- Applies migrations after `from` up to `to` (default: the latest), all in one transaction.
function schema.migrate(db, from, to)
   to = to or schema.VERSION
   local ok, err = pcall(db.transaction, db, function()
      for v = from + 1, to do
         local _, e = db:exec(schema.migrations[v])
         if e then error(string.format("migration %d: %s", v, e), 0) end
         assert(db:exec(string.format("PRAGMA user_version = %d", v)))
      end
      assert(db:exec(string.format("PRAGMA application_id = %d", schema.APPLICATION_ID)))
   end)
   if not ok then return nil, err end
   return true
end

---------------------------------------------------------------------------- the canonical schema

-- What a store at `version` holds, built by running the migrations on a database in memory (so
-- the migrations stay the one description of the schema) and kept for the life of the process:
-- {["type name"] = {type=, name=, tbl_name=, sql=}} and the set of parley's table names.
local canonical_cache = {}
local function canonical(version)
   if canonical_cache[version] then return canonical_cache[version] end
   local core = require "parley.core"
   local mem = assert(core.connect(":memory:"))
   local ok, err = schema.migrate(mem, 0, version)
   if not ok then
      mem:close()
      error("parley's own migrations fail: " .. tostring(err))
   end
   local objects, tables = {}, {}
   for row in mem:query("SELECT type, name, tbl_name, sql FROM sqlite_schema") do
      objects[row.type .. " " .. row.name] = row
      if row.type == "table" then tables[row.name] = true end
   end
   mem:close()
   canonical_cache[version] = { objects = objects, tables = tables }
   return canonical_cache[version]
end

-- The append-only guards of a store at `version`: {{name=, table=}}, sorted, every trigger
-- "T_no_update" or "T_no_delete" that parley's migrations create (those of schema.append_only
-- and of record kinds added later alike).
function schema.guards(version)
   local out = {}
   for _, o in pairs(canonical(version).objects) do
      if o.type == "trigger" and (o.name:match("_no_update$") or o.name:match("_no_delete$")) then
         out[#out + 1] = { name = o.name, table = o.tbl_name }
      end
   end
   table.sort(out, function(a, b) return a.name < b.name end)
   return out
end

-- The tables of db that parley's schema at `version` does not have (an adopted database's
-- own), sorted: accepted, and named by parley verify.
function schema.other_tables(db, version)
   local want, out = canonical(version).tables, {}
   for row in db:query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " ..
      "ORDER BY name") do
      if not want[row.name] then out[#out + 1] = printable(row.name, false) end
   end
   return out
end

-- Statistics tables steer the query planner (a forged sqlite_stat1 can make every query of a
-- run crawl); sqlite_sequence only counts AUTOINCREMENT keys, which parley's tables have none of.
local INERT_INTERNAL = { sqlite_sequence = true }

-- The differences between db's schema and parley's schema at `version`: a list of sentences,
-- empty when the store holds exactly what parley's migrations made, plus tables of its own that
-- parley leaves alone (those of an adopted database, with their indexes). Triggers and views of
-- such tables are accepted only with opts.adopt: a trigger is code that runs on a write.
-- A name or a statement of the store's schema as a message shows it: on one line, control
-- characters visible (it is the sender's text), and at most SQL_SHOWN bytes of a statement.
local SQL_SHOWN = 200
local function shown(s)
   s = printable(tostring(s), false)
   if #s > SQL_SHOWN then s = s:sub(1, SQL_SHOWN) .. "..." end
   return s
end

function schema.differences(db, version, opts)
   opts = opts or {}
   local want = canonical(version)
   local seen, problems = {}, {}
   local function add(fmt, ...) problems[#problems + 1] = string.format(fmt, ...) end
   for stored in db:query("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name") do
      local key = stored.type .. " " .. stored.name
      local expected = want.objects[key]
      seen[key] = true
      local row = { type = stored.type, name = shown(stored.name), tbl_name = shown(stored.tbl_name),
         sql = shown(stored.sql), raw_name = stored.name, raw_tbl_name = stored.tbl_name }
      if expected then
         if expected.tbl_name ~= stored.tbl_name or expected.sql ~= stored.sql then
            add("its %s %s differs from parley's: %s", row.type, row.name, row.sql)
         end
      elseif INERT_INTERNAL[row.raw_name] then -- luacheck: ignore 542 (a counter table: nothing to check)
      elseif row.raw_name:match("^sqlite_stat") then
         add("it has query-planner statistics (%s) parley did not write", row.name)
      elseif want.tables[row.raw_tbl_name] then
         add("it has an extra %s %s on parley's table %s: %s", row.type, row.name, row.tbl_name, row.sql)
      elseif (row.type == "trigger" or row.type == "view") and not opts.adopt then
         add("it has a %s %s (on %s) that parley did not create; open it with {adopt = true} if it is yours",
            row.type, row.name, row.tbl_name)
      end
   end
   local missing = {}
   for key in pairs(want.objects) do
      if not seen[key] then missing[#missing + 1] = key end
   end
   table.sort(missing)
   if #missing > 0 then
      add("it is incomplete for schema version %d: it lacks %s", version, table.concat(missing, ", "))
   end
   return problems
end

-- nil and the message that names every difference of db's schema from parley's, or true.
local function check_schema(db, version, opts)
   local problems = schema.differences(db, version, opts)
   if #problems == 0 then return true end
   return nil, string.format("%s is not a store parley can trust (schema version %d): %s",
      db:path(), version, table.concat(problems, "; "))
end

-- Checks what kind of database db is and brings it to the current schema.
-- opts.adopt: add parley's tables to a database that has other tables.
function schema.prepare(db, opts)
   local version, err = pragma(db, "user_version")
   if not version then
      return nil, string.format("%s is not a parley store: %s", db:path(), err)
   end
   local app = pragma(db, "application_id")
   local tables = {}
   for row in db:query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") do
      tables[#tables + 1] = row.name
   end
   if app ~= schema.APPLICATION_ID then
      if #tables > 0 and not opts.adopt then
         return nil, string.format(
            "%s is not a parley store: it has other tables (%s); open it with {adopt = true} " ..
            "to add parley's tables to it", db:path(), table.concat(tables, ", "))
      end
      if #tables > 0 then
         local have = {}
         for _, t in ipairs(tables) do have[t] = true end
         for _, t in ipairs(schema.table_names()) do
            if have[t] then
               return nil, string.format("cannot add parley's tables to %s: it already has a table named %s",
                  db:path(), t)
            end
         end
      end
      version = 0
   end
   if version > schema.VERSION then
      return nil, string.format(
         "%s was written by a newer parley (schema version %d; this parley %s knows up to %d): upgrade parley",
         db:path(), version, require("parley.core").version, schema.VERSION)
   end
   local trusted, why = check_schema(db, version, opts)
   if not trusted then return nil, why end
   if version < schema.VERSION then
      if opts.readonly then
         return nil, string.format(
            "%s has schema version %d and needs migrating to %d: open it once without readonly",
            db:path(), version, schema.VERSION)
      end
      local ok, e = schema.migrate(db, version)
      if not ok then
         return nil, string.format("cannot migrate %s to schema version %d: %s", db:path(), schema.VERSION, e)
      end
   end
   return true
end

return schema
