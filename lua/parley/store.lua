-- SPDX-License-Identifier: MIT

--- The store API: store.open (parley.open), db:import, and the record iterators of
-- parley.records. These are methods of parley.Database (the C type); they join its method
-- table at the end of this file. The README's "The store API" is the overview.
-- @module parley.store

local core = require "parley.core"
local dataset = require "parley.dataset"
local json = require "parley.json"
local people = require "parley.people"
local record_schema = require "parley.record_schema"
local records = require "parley.records"
local schema = require "parley.schema"
local table_files = require "parley.tables"
local vocab = require "parley.vocab"
local yaml = require "parley.yaml"

local store = {}

-- ------------------------------------------------------------------------- opening


--- Opens or creates a store and brings its schema up to date (this is parley.open).
-- @tparam string path the SQLite file, or ":memory:"
-- @tparam[opt] table opts `readonly`, `busy_timeout_ms` (default 5000), `adopt` (add parley's
-- tables to a database that has others, and accept triggers and views on those)
-- @treturn Database the store
-- @return or nil and a message (cannot open; not a parley store; a schema other than the one
-- parley's migrations make, each difference named; written by a newer parley)
-- @raise when path is not a string or opts not a table
function store.open(path, opts)
   if type(path) ~= "string" then
      error("bad argument #1 to 'open' (path string expected, got " .. type(path) .. ")", 2)
   end
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #2 to 'open' (options table expected, got " .. type(opts) .. ")", 2)
   end
   opts = opts or {}
   local db, err = core.connect(path, opts)
   if not db then return nil, err end
   local ok, why = schema.prepare(db, opts)
   if not ok then
      db:close()
      return nil, why
   end
   return db
end

-- ------------------------------------------------------------------------- writing

local function exec(db, sql, args)
   local n, err = db:exec(sql, args)
   if not n then error(err, 0) end
   return n
end

-- ------------------------------------------------------------------------- import

local function utc_now()
   return os.date("!%Y-%m-%dT%H:%M:%SZ")
end

-- The documents an import reads: a dataset table, a path, a table source {table = PATH,
-- map = MAPPING} (parley.tables), a text source {text = YAML, name = NAME} (standard input,
-- say: messages name NAME), or a list of paths, table and text sources.
local function is_file_source(v)
   return type(v) == "string" or (type(v) == "table" and (v.table ~= nil or type(v.text) == "string"))
end

-- A YAML document to validate, loaded with the marks of its records only (marks = 2: the root
-- and its lists, so each record's position, which the store keeps, and nothing within a
-- record: marks of every table make a load several times slower and take most of the loaded
-- tree's memory); `marked` loads the same text again with all of them, which dataset.validate
-- does only when it has a problem or a warning to place (or `text`, the text, which
-- dataset.validate reads one record of again). file: the path it was read from; a file's text
-- is not kept for that (it would be the file's size again, for the whole import): the file is
-- read again, and must be what was read first.
local CHANGED = { __tostring = function(e) return e.failure end } -- what `marked` raises then
local function yaml_document(text, name, file)
   local data, marks = yaml.load(text, { name = name, marks = 2 })
   if data == nil and type(marks) == "string" then return nil, marks end
   local sha256 = core.sha256(text)
   local text_of
   if file then
      text = nil -- luacheck: ignore 311 (let the text go: the file is read again if need be)
      local again -- read once, when first asked
      text_of = function()
         if again then return again end
         local f = io.open(file, "rb")
         again = f and f:read("a")
         if f then f:close() end
         if not again or core.sha256(again) ~= sha256 then
            again = nil
            error(setmetatable({ failure = string.format("%s: the file changed while it was imported: import it again",
               file) }, CHANGED), 0)
         end
         return again
      end
   else
      text_of = function() return text end
   end
   return { data = data, marks = marks, name = name, file = file, sha256 = sha256, text = text_of,
      marked = function() return yaml.load(text_of(), { name = name, marks = true }) end }
end

local function documents(source, opts)
   if is_file_source(source) then source = { source } end
   if type(source) ~= "table" then
      error("bad argument #1 to 'import' (a dataset table, a file path or a list of paths expected, got " ..
         type(source) .. ")", 3)
   end
   local is_paths = #source > 0
   for _, v in ipairs(source) do
      is_paths = is_paths and is_file_source(v)
   end
   if not is_paths then
      -- the SHA-256 of the table's canonical JSON, hashed as it is walked (no JSON text made)
      local ok, digest = pcall(core.json_sha256, source)
      if not ok then digest = core.sha256(tostring(source)) end
      return { { data = source, name = opts.name or "dataset", sha256 = digest } }
   end
   local docs, failures = {}, {}
   for _, path in ipairs(source) do
      if type(path) == "table" and path.text then
         local doc, err = yaml_document(path.text, path.name or "<text>")
         if doc then docs[#docs + 1] = doc else failures[#failures + 1] = err end
      elseif type(path) == "table" or table_files.is_table_path(path) then
         local doc, err = table_files.document(type(path) == "table" and path or { table = path })
         if doc then
            doc.file = type(path) == "table" and path.table or path
            docs[#docs + 1] = doc
         else
            failures[#failures + 1] = err
         end
      else
         local f, err = io.open(path, "rb")
         if not f then
            -- io.open's message starts with the path already: name it once
            if err:sub(1, #path + 2) == path .. ": " then err = err:sub(#path + 3) end
            failures[#failures + 1] = string.format("%s: cannot read: %s", path, err)
         else
            local content = f:read("a")
            f:close()
            local doc, yerr = yaml_document(content, path, path)
            if doc then docs[#docs + 1] = doc else failures[#failures + 1] = yerr end
         end
      end
   end
   return docs, failures
end

-- What the validator asks the store.
local function store_lookups(db)
   local tables = {}
   for kind, t in pairs(record_schema.kinds) do tables[kind] = t.name end
   return {
      exists = function(kind, id)
         return db:first("SELECT 1 AS found FROM " .. tables[kind] .. " WHERE id = ?", id) ~= nil
      end,
      all_ids = function(kind)
         local ids = {}
         for row in db:query("SELECT id FROM " .. tables[kind] .. " WHERE id NOT LIKE '%#%' LIMIT 10000") do
            ids[#ids + 1] = row.id
         end
         return ids
      end,
      -- a stored record, as the readers give it
      record = function(kind, id)
         local found -- ids are unique: one at most
         for r in records[kind](db, { id = id }) do found = r end
         return found
      end,
      -- what the store's imports added to the default vocabulary (parley.records.vocabulary)
      vocabularies = function() return records.stored_vocabularies(db) end,
      -- whether the store has any record of a kind (a fresh store has none to compare with)
      stores_any = function(kind)
         return db:first("SELECT 1 AS found FROM records WHERE kind = ? LIMIT 1", kind) ~= nil
      end,
      stored_digest = function(kind, id)
         local row = db:first("SELECT digest FROM records WHERE kind = ? AND id = ?", kind, id)
         return row and row.digest
      end,
      -- how many persons a stored list (or a transfer's cargo) names, for decisions' entries
      entry_count = function(owner, transfer, cargo)
         local row
         if transfer then
            row = db:first("SELECT count(*) AS n FROM entries e JOIN transfers t ON t.id = e.transfer " ..
               "WHERE t.exchange = ? AND t.position = ? AND e.cargo = ?", owner, transfer, cargo)
         else
            row = db:first("SELECT count(*) AS n FROM entries WHERE list = ?", owner)
         end
         return row and row.n
      end,
   }
end

local null = core.null
-- The order kinds are written in: each after the kinds its records name (claims name
-- exchanges). While a deferred foreign key waits for its parent row, SQLite looks for the
-- children of every parent row inserted, and a referencing column without an index
-- (claims.exchange) makes each look a scan of its table: parents first keep an import linear.
-- Lists stay before exchanges: a person's names from entries come back in the order written.
local WRITE_ORDER = { "parties", "sources", "persons", "lists", "exchanges", "claims", "identities" }
do
   local listed = {}
   for _, kind in ipairs(WRITE_ORDER) do listed[kind] = true end
   for _, kind in ipairs(vocab.RECORD_KINDS) do assert(listed[kind], "store: no write order for " .. kind) end
end

-- How often opts.progress hears of the records written.
local PROGRESS_EVERY = 500

local IMPORT_CACHE_KIB = 16384

local INSERT_RECORD = "INSERT INTO records (kind, id, digest, import, line, col, file) VALUES (?, ?, ?, ?, ?, ?, ?)"

--- Validates every record of every document and writes all of them in one transaction, or
-- nothing (this is db:import). A document imported before (the same SHA-256) is skipped.
-- @tparam Database db the store
-- @tparam string|table source a file path, a list of paths, table sources {table = PATH, map =
-- MAPPING} and text sources {text = YAML, name = NAME}, or a dataset as a Lua table
-- @tparam[opt] table opts `name` (the import's name for a dataset given as a table); `strict`
-- (refuse subjects and scope tags the vocabulary does not know, as a dataset's
-- `vocabulary: strict` does); `progress` (a function given {phase =, records =, total =}: phase
-- "checking" once the files are read, "writing" every 500 records written of `total`, and
-- "done" when the import is in the store; parley import's progress line)
-- @treturn table the summary: `imported` {{name=, import=}}, `already` (the skipped ones), the
-- number of records of each kind added, `unchanged`, and `warnings` (what was accepted but must
-- be said, each "file:line:col: message")
-- @return or nil, every problem as text ("file:line:col: message (at key.path)"), the list of
-- problems, and the warnings
-- @raise when source is neither a path, a list nor a table
function store.import(db, source, opts)
   opts = opts or {}
   local progress = opts.progress
   if progress ~= nil and type(progress) ~= "function" then
      error("bad option to 'import' (progress must be a function)", 2)
   end
   local docs, failures = documents(source, opts)
   if failures and #failures > 0 then
      return nil, table.concat(failures, "\n"), failures
   end
   local summary = { imported = {}, already = {}, warnings = {} }
   local fresh = {}
   for _, doc in ipairs(docs) do
      local row = db:first("SELECT id FROM imports WHERE sha256 = ?", doc.sha256)
      if row then
         summary.already[#summary.already + 1] = { name = doc.name, import = row.id }
      else
         fresh[#fresh + 1] = doc
      end
   end
   for _, kind in ipairs(vocab.RECORD_KINDS) do summary[kind] = 0 end
   summary.unchanged = 0
   if #fresh == 0 then return summary end

   local total, done = 0, 0
   if progress then progress({ phase = "checking", records = 0, total = 0 }) end
   local lookups = store_lookups(db)
   lookups.strict = opts.strict
   lookups.progress = progress
   local validated, batch, problems = pcall(dataset.validate, fresh, lookups)
   if not validated then
      if getmetatable(batch) ~= CHANGED then error(batch, 0) end
      return nil, batch.failure, { { message = batch.failure } }
   end
   summary.warnings = dataset.format_list(batch.warnings)
   if #problems > 0 then
      return nil, dataset.format_problems(problems), problems, summary.warnings
   end
   -- what is written is the batch's normalised records: the trees as loaded (and their marks)
   -- are let go before writing, so the collector no longer walks them while rows are written
   for _, doc in ipairs(fresh) do doc.data, doc.marks, doc.marked = nil, nil, nil end
   -- what each document adds, known before writing: imports rows are never updated
   local counts = {}
   for _, doc in ipairs(fresh) do
      counts[doc] = { unchanged = 0 }
      for _, kind in ipairs(vocab.RECORD_KINDS) do counts[doc][kind] = 0 end
   end
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      for i, r in ipairs(batch.records[kind]) do
         local c = counts[batch.docs[kind][i]]
         if batch.skip[kind] and batch.skip[kind][r.id] then
            c.unchanged = c.unchanged + 1
         else
            c[kind] = c[kind] + 1
            total = total + 1
         end
      end
   end
   -- A page cache of IMPORT_CACHE_KIB for the writing, the connection's own again after: with
   -- SQLite's default of 2 MB, the pages of a large import's indexes were spilled and read
   -- again (at 100,000 claims a twentieth of the import's time, for 15 MB more at the peak).
   local cache = db:first("PRAGMA cache_size")
   local cache_before = cache and cache.cache_size
   if cache_before and cache_before > -IMPORT_CACHE_KIB and cache_before < IMPORT_CACHE_KIB // 4 then
      db:exec("PRAGMA cache_size = " .. -IMPORT_CACHE_KIB)
   else
      cache_before = nil
   end
   local ok, err = pcall(db.transaction, db, function()
      local now = utc_now()
      local import_of = {}
      for _, doc in ipairs(fresh) do
         exec(db, "INSERT INTO imports (name, sha256, imported_at, counts, file) VALUES (?, ?, ?, ?, ?)",
            { doc.name, doc.sha256, now, json.encode(counts[doc]), doc.file or null })
         import_of[doc] = db:last_insert_rowid()
         if batch.vocabulary_of[doc] then
            exec(db, "INSERT INTO vocabularies (import, vocabulary) VALUES (?, ?)",
               { import_of[doc], json.encode(batch.vocabulary_of[doc]) })
         end
         summary.imported[#summary.imported + 1] = { name = doc.name, import = import_of[doc] }
      end
      -- each record's rows, kind by kind; a record's tree is let go once written (the batch
      -- would otherwise hold every record to the end), leaving its id for its row in `records`
      local ids, count_of = {}, {}
      for _, kind in ipairs(WRITE_ORDER) do
         local recs, skip, written = batch.records[kind], batch.skip[kind], {}
         ids[kind], count_of[kind] = written, #recs
         for i = 1, #recs do
            local r = recs[i]
            if not (skip and skip[r.id]) then
               record_schema.insert(db, kind, r)
               written[i] = r.id
               done = done + 1
               if progress and done % PROGRESS_EVERY == 0 then
                  progress({ phase = "writing", records = done, total = total })
               end
            end
            recs[i] = nil
         end
      end
      -- then each record's row in `records`, in the same order: one table at a time keeps each
      -- B-tree's pages at hand (a records row after each record's rows took turns with them).
      -- Its position: line, column, and the file when it is not the import's, or NULLs.
      local record_row = {} -- one parameter table for every record's row (db:exec binds it at once)
      for _, kind in ipairs(WRITE_ORDER) do
         local doc_of, digests, lines, columns, files = batch.docs[kind], batch.digests[kind], batch.lines[kind],
            batch.columns[kind], batch.files[kind]
         local written = ids[kind]
         for i = 1, count_of[kind] do
            local id = written[i]
            if id then -- (nil: skipped, the store has it already)
               local doc, file = doc_of[i], files[i]
               record_row[1], record_row[2], record_row[3], record_row[4] = kind, id, digests[i], import_of[doc]
               record_row[5], record_row[6], record_row[7] = lines[i] or null, columns[i] or null,
                  file and file ~= doc.file and file or null
               exec(db, INSERT_RECORD, record_row)
            end
         end
      end
   end)
   if cache_before then db:exec("PRAGMA cache_size = " .. math.tointeger(cache_before)) end
   if not ok then
      summary.imported = {}
      return nil, "import failed, nothing was written: " .. tostring(err), { { message = tostring(err) } }
   end
   for _, doc in ipairs(fresh) do
      for k, n in pairs(counts[doc]) do summary[k] = summary[k] + n end
   end
   if progress then progress({ phase = "done", records = done, total = total }) end
   return summary
end

--- A store, as parley.open returns it (the C type parley.Database). A read-only one is what a
-- rule gets as ctx.db.
-- @type Database

--- Runs one SQL statement and iterates over its rows, each a table keyed by column name.
-- Returns four values (iterator, cursor, nil, cursor: the cursor is to-be-closed), so a
-- `break` out of the loop releases the statement at once.
-- @function Database:query
-- @tparam string sql one statement, with ? or :name parameters
-- @param ... the parameters' values, or one table of them (`parley.null` for NULL,
-- `parley.blob(s)` for a BLOB)
-- @return the generic-for iterator and its state
-- @raise SQLite's message with the SQL, when the statement does not prepare and while stepping

--- Like Database:query, but each step returns the columns as values, in order: the fastest
-- way to scan. The first column must not be NULL (it would end the loop).
-- @function Database:rows
-- @tparam string sql
-- @param ... the parameters' values
-- @return the generic-for iterator and its state
-- @raise as Database:query

--- The names of the columns a statement returns, in the order of its SELECT (even when it
-- returns no row), without running it.
-- @function Database:columns
-- @tparam string sql one statement
-- @param ... the parameters' values (bound for the statement to prepare)
-- @treturn {string,...} the column names
-- @return or nil and SQLite's message

--- The first row of a query.
-- @function Database:first
-- @tparam string sql
-- @param ... the parameters' values
-- @treturn table the row keyed by column name, or nil when there is none
-- @return or nil and SQLite's message
-- @raise when sql is not a string

--- Runs a write, or a script of several statements without parameters, to completion.
-- @function Database:exec
-- @tparam string sql
-- @param ... the parameters' values
-- @treturn integer the number of rows changed (with those of triggers and cascades)
-- @return or nil and a message (a constraint violated, an SQL error, a read-only store)
-- @raise when sql is not a string

--- Runs fn(...) in a transaction (BEGIN IMMEDIATE ... COMMIT; a savepoint when one is open).
-- @function Database:transaction
-- @tparam function fn
-- @param ... fn's arguments
-- @return true and fn's results
-- @raise fn's error unchanged, after rolling back; SQLite's message when BEGIN or COMMIT fails
-- (a locked store, a full disk, a deferred constraint), after rolling back

--- Whether a transaction is open on this connection.
-- @function Database:in_transaction
-- @treturn boolean

--- The rowid of the last row inserted on this connection.
-- @function Database:last_insert_rowid
-- @treturn integer

--- The store's file path (":memory:" for an in-memory one).
-- @function Database:path
-- @treturn string

--- Finalizes every statement and closes the connection; a second close does nothing. Also
-- the store's `__close` and `__gc`.
-- @function Database:close

--- Whether the store is still open.
-- @function Database:isopen
-- @treturn boolean

--- Counters of the statement cache (the specs check it is used).
-- @function Database:stats
-- @treturn table `prepares` (statements prepared so far), `cached` (held), `cache_size`

--- Validates and imports datasets: store.import.
-- @function Database:import
-- @tparam string|table source
-- @tparam[opt] table opts
-- @return the summary, or nil, the problems as text and their list

--- Iterates over the parties, as imported.
-- @function Database:parties
-- @return the generic-for iterator
-- @raise SQLite's message

--- Iterates over the sources, as imported (with their reliability and credibility grades).
-- @function Database:sources
-- @return the generic-for iterator
-- @raise SQLite's message

--- Iterates over the claims; each date field X also comes as X_period (parley.dates), and each
-- claim with `canonical` = {subject, kind, scope}, its subject and scope through the store's
-- vocabulary (docs/dataset.md#canonical-forms).
-- @function Database:claims
-- @tparam[opt] table filter `id`, `claimant`, `holder`, `about`, `subject`, `source`, `region`,
-- `from`, `to` (a date at any precision, an interval or a period: the claims whose as_of can
-- fall within it), `current = true` (leave out superseded ones)
-- @return the generic-for iterator
-- @raise on an unknown filter key (with "did you mean"), a malformed date, or SQLite's message

--- Iterates over the lists (of detainees, remains, missing persons) with their entries and
-- their `canonical` subject.
-- @function Database:lists
-- @tparam[opt] table filter as for claims
-- @return the generic-for iterator
-- @raise on an unknown filter key

--- Iterates over the persons, each with `variants`: every name any record gives them, its
-- script, who wrote it and in which list or exchange.
-- @function Database:persons
-- @tparam[opt] table filter `id`, `list`, `name`
-- @return the generic-for iterator
-- @raise on an unknown filter key

--- Iterates over the exchanges with their mediators, sources and transfers.
-- @function Database:exchanges
-- @tparam[opt] table filter `id`, `party`, `from`, `to` (as for claims, on the exchange's
-- date), `current`
-- @return the generic-for iterator
-- @raise on an unknown filter key or a malformed date

--- Iterates over the imports: name, SHA-256, time and counts.
-- @function Database:imports
-- @return the generic-for iterator

--- The store's vocabulary of subjects and scope tags: parley.terms' default with what each
-- import's `vocabulary:` added, in import order (docs/dataset.md#vocabulary). A fresh one each
-- call: adding to it changes nothing stored.
-- @function Database:vocabulary
-- @return a parley.terms vocabulary (`canonical_subject`, `canonical_scope`, `canonical`,
-- `suggest_subject`, `suggest_scope`)

--- Iterates over the reviewers' decisions on who is who (docs/people.md), in the order they
-- were decided.
-- @function Database:identities
-- @tparam[opt] table filter `id`; `current = true` leaves out superseded decisions
-- @return the generic-for iterator
-- @raise on an unknown filter key

--- Iterates over the people of the store: its entries (each person on a list, in a transfer,
-- or a person record) resolved into people across scripts, honouring the reviewers' decisions
-- (docs/people.md).
-- @function Database:people
-- @tparam[opt] table filter `id`, `name`, `list`, `exchange`, `uncertain = true` (only people
-- with pairs left for review)
-- @return the generic-for iterator of people {id =, names =, entries =, uncertain =}
-- @raise on a filter that is not a table or has an unknown key

--- One person's story: their entries, timeline and status by holding party.
-- @function Database:person
-- @tparam string id a person's id, or an entry's (LIST_ID#N)
-- @treturn table the person with `timeline` and `status`, or nil when there is none

-- The typed API joins the C methods of parley.Database, so every store store.open returns
-- has them, whoever opened it.
local Database = core.Database
Database.import = store.import
Database.parties = records.parties
Database.sources = records.sources
Database.claims = records.claims
Database.lists = records.lists
Database.persons = records.persons
Database.exchanges = records.exchanges
Database.identities = records.identities
Database.people = people.people
Database.person = people.person
Database.imports = records.imports
Database.vocabulary = records.vocabulary

return store
