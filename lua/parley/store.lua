-- A store: store.open (parley.open), db:import, and the record iterators of parley.records.
-- These are methods of parley.Database (the C type); they join its method table at the end
-- of this file.

local core = require "parley.core"
local schema = require "parley.schema"
local dataset = require "parley.dataset"
local json = require "parley.json"
local records = require "parley.records"
local text = require "parley.text"

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

local function put_date(row, name, d)
   if d then
      row[name], row[name .. "_precision"], row[name .. "_start"], row[name .. "_end"] =
         d.text, d.precision, d.first, d.last
   end
end

local function exec(db, sql, args)
   local n, err = db:exec(sql, args)
   if not n then error(err, 0) end
   return n
end

local function json_or_nil(v)
   if v == nil then return nil end
   return json.encode(v)
end

local function value_type(v)
   if v == nil then return nil end
   if type(v) == "boolean" then return "boolean" end
   if math.type(v) == "integer" then return "integer" end
   if type(v) == "number" then return "number" end
   return "string"
end

local function born_columns(row, born)
   if math.type(born) == "integer" then
      row.born_year = born
   elseif born then
      row.born = born.text
      row.born_year = tonumber(born.text:sub(1, 4))
   end
end

local PERSON_COLUMNS = "born_year, born, sex, category, rank, father_name, notes"

-- An entry of a list or a transfer: the person as that side wrote them. An entry without a
-- person id gets a person of its own, named after where it stands (list-id#3).
local function insert_entries(db, entries, owner, generated_prefix, written_by)
   for i, e in ipairs(entries or {}) do
      local person = e.person or (generated_prefix .. "#" .. i)
      if not e.person then
         exec(db, "INSERT INTO persons (id, listed_only) VALUES (?, 1)", { person })
      end
      local row = {
         list = owner.list, transfer = owner.transfer, cargo = owner.cargo, position = i,
         person = person, person_given = e.person and 1 or 0, name = e.name,
         script = e.name and text.script(e.name), written_by = written_by, sex = e.sex,
         category = e.category, rank = e.rank, father_name = e.father_name, notes = e.notes,
      }
      born_columns(row, e.born)
      exec(db, "INSERT INTO entries (list, transfer, cargo, position, person, person_given, name, script, " ..
         "written_by, " .. PERSON_COLUMNS .. ") VALUES (:list, :transfer, :cargo, :position, :person, " ..
         ":person_given, :name, :script, :written_by, :born_year, :born, :sex, :category, :rank, " ..
         ":father_name, :notes)", row)
   end
end

local insert = {}

function insert.parties(db, p)
   exec(db, "INSERT INTO parties (id, name, kind, notes) VALUES (:id, :name, :kind, :notes)", p)
end

function insert.sources(db, s)
   local row = {
      id = s.id, title = s.title, party = s.party, speaker = s.speaker, url = s.url,
      reliability = s.reliability, credibility = s.credibility, supersedes = s.supersedes, notes = s.notes,
   }
   put_date(row, "published", s.published)
   exec(db, "INSERT INTO sources (id, title, party, speaker, published, published_precision, published_start, " ..
      "published_end, url, reliability, credibility, supersedes, notes) VALUES (:id, :title, :party, :speaker, " ..
      ":published, :published_precision, :published_start, :published_end, :url, :reliability, :credibility, " ..
      ":supersedes, :notes)", row)
end

function insert.persons(db, p)
   local row = { id = p.id, sex = p.sex, category = p.category, rank = p.rank, father_name = p.father_name,
      notes = p.notes }
   born_columns(row, p.born)
   exec(db, "INSERT INTO persons (id, " .. PERSON_COLUMNS .. ") VALUES (:id, :born_year, :born, :sex, " ..
      ":category, :rank, :father_name, :notes)", row)
   for i, n in ipairs(p.names) do
      local name = type(n) == "table" and n.name or n
      exec(db, "INSERT INTO person_names (person, position, name, script, written_by) VALUES (?, ?, ?, ?, ?)",
         { p.id, i, name, text.script(name), type(n) == "table" and n.written_by or nil })
   end
end

function insert.claims(db, c)
   local count = c.count or {}
   local row = {
      id = c.id, claimant = c.claimant, source = c.source, subject = c.subject, holder = c.holder,
      about = c.about, region = c.region, count_exact = count.exact, count_best = count.best,
      count_low = count.low, count_high = count.high, count_approx = count.approx,
      value_type = value_type(c.value), value = json_or_nil(c.value), scope = json_or_nil(c.scope),
      text = c.text, supersedes = c.supersedes, notes = c.notes,
   }
   put_date(row, "as_of", c.as_of)
   exec(db, "INSERT INTO claims (id, claimant, source, as_of, as_of_precision, as_of_start, as_of_end, subject, " ..
      "holder, about, region, count_exact, count_best, count_low, count_high, count_approx, value_type, value, " ..
      "scope, text, supersedes, notes) VALUES (:id, :claimant, :source, :as_of, :as_of_precision, :as_of_start, " ..
      ":as_of_end, :subject, :holder, :about, :region, :count_exact, :count_best, :count_low, :count_high, " ..
      ":count_approx, :value_type, :value, :scope, :text, :supersedes, :notes)", row)
end

function insert.lists(db, l)
   local row = {
      id = l.id, claimant = l.claimant, source = l.source, subject = l.subject, holder = l.holder,
      about = l.about, text = l.text, supersedes = l.supersedes, notes = l.notes,
   }
   put_date(row, "as_of", l.as_of)
   exec(db, "INSERT INTO lists (id, claimant, source, as_of, as_of_precision, as_of_start, as_of_end, subject, " ..
      "holder, about, text, supersedes, notes) VALUES (:id, :claimant, :source, :as_of, :as_of_precision, " ..
      ":as_of_start, :as_of_end, :subject, :holder, :about, :text, :supersedes, :notes)", row)
   insert_entries(db, l.persons, { list = l.id }, l.id, l.claimant)
end

function insert.exchanges(db, x)
   local row = { id = x.id, place = x.place, text = x.text, supersedes = x.supersedes, notes = x.notes }
   put_date(row, "date", x.date)
   exec(db, "INSERT INTO exchanges (id, date, date_precision, date_start, date_end, place, text, supersedes, " ..
      "notes) VALUES (:id, :date, :date_precision, :date_start, :date_end, :place, :text, :supersedes, :notes)", row)
   for i, m in ipairs(x.mediators or {}) do
      exec(db, "INSERT INTO exchange_mediators (exchange, position, party) VALUES (?, ?, ?)", { x.id, i, m })
   end
   for i, s in ipairs(x.sources or {}) do
      exec(db, "INSERT INTO exchange_sources (exchange, position, source) VALUES (?, ?, ?)", { x.id, i, s })
   end
   for i, t in ipairs(x.transfers) do
      exec(db, "INSERT INTO transfers (exchange, position, from_party, to_party, detainees, remains, notes) " ..
         "VALUES (:exchange, :position, :from_party, :to_party, :detainees, :remains, :notes)", {
            exchange = x.id, position = i, from_party = t.from, to_party = t.to,
            detainees = t.detainees and t.detainees.count, remains = t.remains and t.remains.count, notes = t.notes,
         })
      local tid = db:last_insert_rowid()
      for _, cargo in ipairs({ "detainees", "remains" }) do
         if t[cargo] then
            insert_entries(db, t[cargo].persons, { transfer = tid, cargo = cargo },
               string.format("%s/transfers[%d].%s", x.id, i, cargo), t.from)
         end
      end
      for j, m in ipairs(t.mine_maps or {}) do
         local mrow = {
            transfer = tid, position = j, region = m.region, mines = m.mines, types = json_or_nil(m.types),
            reference_points = json_or_nil(m.reference_points), perimeter = m.perimeter,
            emplacing_method = m.emplacing_method, fuze = m.fuze, lifetime = m.lifetime,
            anti_handling = json_or_nil(m.anti_handling), notes = m.notes,
         }
         put_date(mrow, "date_laid", m.date_laid)
         exec(db, "INSERT INTO mine_maps (transfer, position, region, mines, types, reference_points, perimeter, " ..
            "emplacing_method, fuze, lifetime, date_laid, date_laid_precision, date_laid_start, date_laid_end, " ..
            "anti_handling, notes) VALUES (:transfer, :position, :region, :mines, :types, :reference_points, " ..
            ":perimeter, :emplacing_method, :fuze, :lifetime, :date_laid, :date_laid_precision, " ..
            ":date_laid_start, :date_laid_end, :anti_handling, :notes)", mrow)
      end
   end
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
   local yaml = require "parley.yaml"
   local tables = require "parley.tables"
   local docs, failures = {}, {}
   for _, path in ipairs(source) do
      if type(path) == "table" or tables.is_table_path(path) then
         local doc, err = tables.document(type(path) == "table" and path or { table = path })
         if doc then docs[#docs + 1] = doc else failures[#failures + 1] = err end
      else
         local f, err = io.open(path, "rb")
         if not f then
            failures[#failures + 1] = string.format("%s: cannot read: %s", path, err)
         else
            local content = f:read("a")
            f:close()
            local ok, data, marks = pcall(yaml.load, content, { name = path, marks = true })
            if not ok then
               failures[#failures + 1] = tostring(data)
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
   local tables = {
      parties = "parties", sources = "sources", persons = "persons", claims = "claims", lists = "lists",
      exchanges = "exchanges",
   }
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
   }
end

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
   for _, kind in ipairs(dataset.KINDS) do summary[kind] = 0 end
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
      for _, kind in ipairs(dataset.KINDS) do counts[doc][kind] = 0 end
   end
   for _, kind in ipairs(dataset.KINDS) do
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
      for _, kind in ipairs(dataset.KINDS) do
         for _, r in ipairs(batch.records[kind]) do
            if not (batch.skip[kind] and batch.skip[kind][r.id]) then
               insert[kind](db, r)
               exec(db, "INSERT INTO records (kind, id, digest, import) VALUES (?, ?, ?, ?)",
                  { kind, r.id, dataset.digest(r), import_of[batch.doc_of[r]] })
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
Database.imports = records.imports

return store
