-- A store: store.open (parley.open), db:import, and the record iterators of parley.records.
-- These are methods of parley.Database (the C type); they join its method table at the end
-- of this file.

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

---------------------------------------------------------------------------- opening

-- store.open(path, opts): opens or creates a store and brings its schema up to date (this is
-- parley.open). opts.readonly, opts.busy_timeout_ms (default 5000), opts.adopt (add parley's
-- tables to a database that has others). Returns the store, or nil and a message.
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

---------------------------------------------------------------------------- writing

local function exec(db, sql, args)
   local n, err = db:exec(sql, args)
   if not n then error(err, 0) end
   return n
end

---------------------------------------------------------------------------- import

local function utc_now()
   return os.date("!%Y-%m-%dT%H:%M:%SZ")
end

-- The documents an import reads: a dataset table, a path, a table source {table = PATH,
-- map = MAPPING} (parley.tables), or a list of paths and table sources.
local function documents(source, opts)
   if type(source) == "string" or (type(source) == "table" and source.table ~= nil) then source = { source } end
   if type(source) ~= "table" then
      error("bad argument #1 to 'import' (a dataset table, a file path or a list of paths expected, got " ..
         type(source) .. ")", 3)
   end
   local is_paths = #source > 0
   for _, v in ipairs(source) do
      is_paths = is_paths and (type(v) == "string" or (type(v) == "table" and v.table ~= nil))
   end
   if not is_paths then
      local ok, encoded = pcall(json.encode, source)
      local digest = core.sha256(ok and encoded or tostring(source))
      return { { data = source, name = opts.name or "dataset", sha256 = digest } }
   end
   local docs, failures = {}, {}
   for _, path in ipairs(source) do
      if type(path) == "table" or table_files.is_table_path(path) then
         local doc, err = table_files.document(type(path) == "table" and path or { table = path })
         if doc then docs[#docs + 1] = doc else failures[#failures + 1] = err end
      else
         local f, err = io.open(path, "rb")
         if not f then
            -- io.open's message starts with the path already: name it once
            if err:sub(1, #path + 2) == path .. ": " then err = err:sub(#path + 3) end
            failures[#failures + 1] = string.format("%s: cannot read: %s", path, err)
         else
            local content = f:read("a")
            f:close()
            local data, marks = yaml.load(content, { name = path, marks = true })
            if data == nil and type(marks) == "string" then
               failures[#failures + 1] = marks
            else
               docs[#docs + 1] = { data = data, marks = marks, name = path, sha256 = core.sha256(content) }
            end
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

local INSERT_RECORD = "INSERT INTO records (kind, id, digest, import) VALUES (?, ?, ?, ?)"

-- db:import(source, opts): validates every record of every document and writes all of them in
-- one transaction, or nothing. Returns a summary, or nil, the problems as text, and the list
-- of problems.
function store.import(db, source, opts)
   opts = opts or {}
   local docs, failures = documents(source, opts)
   if failures and #failures > 0 then
      return nil, table.concat(failures, "\n"), failures
   end
   local summary = { imported = {}, already = {} }
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

   local batch, problems = dataset.validate(fresh, store_lookups(db))
   if #problems > 0 then
      return nil, dataset.format_problems(problems), problems
   end
   -- what each document adds, known before writing: imports rows are never updated
   local counts = {}
   for _, doc in ipairs(fresh) do
      counts[doc] = { unchanged = 0 }
      for _, kind in ipairs(vocab.RECORD_KINDS) do counts[doc][kind] = 0 end
   end
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      for _, r in ipairs(batch.records[kind]) do
         local c = counts[batch.doc_of[r]]
         if batch.skip[kind] and batch.skip[kind][r.id] then
            c.unchanged = c.unchanged + 1
         else
            c[kind] = c[kind] + 1
         end
      end
   end
   local ok, err = pcall(db.transaction, db, function()
      local now = utc_now()
      local import_of = {}
      for _, doc in ipairs(fresh) do
         exec(db, "INSERT INTO imports (name, sha256, imported_at, counts) VALUES (?, ?, ?, ?)",
            { doc.name, doc.sha256, now, json.encode(counts[doc]) })
         import_of[doc] = db:last_insert_rowid()
         summary.imported[#summary.imported + 1] = { name = doc.name, import = import_of[doc] }
      end
      for _, kind in ipairs(vocab.RECORD_KINDS) do
         for _, r in ipairs(batch.records[kind]) do
            if not (batch.skip[kind] and batch.skip[kind][r.id]) then
               record_schema.insert(db, kind, r)
               exec(db, INSERT_RECORD, { kind, r.id, batch.digest_of[r], import_of[batch.doc_of[r]] })
            end
         end
      end
   end)
   if not ok then
      summary.imported = {}
      return nil, "import failed, nothing was written: " .. tostring(err), { { message = tostring(err) } }
   end
   for _, doc in ipairs(fresh) do
      for k, n in pairs(counts[doc]) do summary[k] = summary[k] + n end
   end
   return summary
end

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

return store
