-- SPDX-License-Identifier: MIT
-- Each record kind described once: its fields (the key in a dataset, how it is validated,
-- whether it is required), and the columns that keep each one (name, SQL type, codec). The
-- validation specs (parley.dataset), the INSERTs (parley.store) and the row-to-record readers
-- (parley.records) are derived from this description, and so are the migration steps that
-- add a new field's columns to older stores (parley.schema): adding an optional field to a
-- kind is one entry here, with `since = N` (the schema version that adds it), plus its
-- validation (when it needs a checker of its own) and its docs (docs/dataset.md).
--
-- A field: { key, check = NAME, required = true, codec = NAME, column = NAME, since = N, ... }
--   (hint = NAME: parley.dataset's advice when a mapping's value is written as a plain value).
--   check: a checker of parley.check ("id", "string", "token", "date", "integer" with
--     min/max, "enum" with values, "list" of `of`) or one of parley.dataset's own; ref = KIND
--     is a reference to a record of that kind (checked, and a foreign key in the store).
--   codec (default "text"): how the value is kept, see CODECS below.
-- A table: { name =, singular = (record kinds), key = columns written from the parent (child rows), fields =, extra =
--   columns no field writes, after = the name of a whole-record check of parley.dataset }.
--
-- Only json, text and dates are required: parley.records requires this module and runs in
-- the rule sandbox too.

local core = require "parley.core"
local fill_row, read_fields, read_coded = core.fill_row, core.read_fields, core.read_coded
local json = require "parley.json"
local text = require "parley.text"
local dates = require "parley.dates"

local record_schema = {}

-- The schema version that adds several sources, provenance, accounts of an exchange, transfers
-- by category, named mediators and maps of several regions (docs/dataset.md).
local ACCOUNTS = 9

---------------------------------------------------------------------------- codecs
-- A codec: columns(field) -> the column specs ({name, type, not_null, pk, default,
-- references}); put(field, row, value, ctx) writes the value into the positional INSERT row
-- from field.at on; get(field, r, db) -> the value from a row read by name (and, for dates,
-- its period); after(field, db, value, ctx) writes child rows once the row is in.

local function column(f, name, sqltype, more)
   local c = { name = name, type = sqltype, not_null = f.not_null or (f.required and not f.nullable) or nil,
      references = f.ref, since = f.since }
   for k, v in pairs(more or {}) do c[k] = v end
   return c
end

local function one_column(sqltype, encode, decode)
   return {
      columns = function(f) return { column(f, f.column, sqltype) } end,
      put = encode and function(f, row, v) if v ~= nil then row[f.at] = encode(v) end end
         or function(f, row, v) row[f.at] = v end,
      get = decode and function(f, r) local s = r[f.column]; if s ~= nil then return decode(s) end end
         or function(f, r) return r[f.column] end,
   }
end

local function value_type(v)
   if type(v) == "boolean" then return "boolean" end
   if math.type(v) == "integer" then return "integer" end
   if type(v) == "number" then return "number" end
   return "string"
end

local CODECS = {}
CODECS.text = one_column("TEXT")
CODECS.integer = one_column("INTEGER")
-- lists of free strings (scope tags, mine types): JSON arrays, queryable with json_each
CODECS.json = one_column("TEXT", json.encode, json.decode)
-- stored 1 or 0 (booleans bind as integers)
CODECS.boolean = one_column("INTEGER", nil, function(n) return n == 1 end)

CODECS.id = {
   columns = function(f) return { column(f, f.column, "TEXT", { not_null = false, pk = 1 }) } end,
   put = CODECS.text.put, get = CODECS.text.get,
}

-- A date as written ("2021", "2021-06", "2021-06-12", "2020-11/2021-06-11") with its
-- precision and the first and last day it can mean, so "June 2021" is never taken for 1 June.
-- Read back as the text, and as the period dates.parse gives for it.
CODECS.date = {
   columns = function(f)
      local c = f.column
      return { column(f, c, "TEXT", { not_null = false }), column(f, c .. "_precision", "TEXT", { not_null = false }),
         column(f, c .. "_start", "TEXT", { not_null = false }), column(f, c .. "_end", "TEXT", { not_null = false }) }
   end,
   put = function(f, row, d)
      if d then row[f.at], row[f.at + 1], row[f.at + 2], row[f.at + 3] = d.text, d.precision, d.first, d.last end
   end,
   get = function(f, r)
      local c = f.column
      local t = r[c]
      if t == nil then return nil end
      return t, { text = t, precision = r[c .. "_precision"], first = r[c .. "_start"], last = r[c .. "_end"] }
   end,
}

-- A scalar value (an assertion's true or false, a number, a string), with its type.
CODECS.scalar = {
   columns = function(f) return { column(f, f.column .. "_type", "TEXT"), column(f, f.column, "TEXT") } end,
   put = function(f, row, v)
      if v ~= nil then row[f.at], row[f.at + 1] = value_type(v), json.encode(v) end
   end,
   get = function(f, r)
      if r[f.column .. "_type"] then return json.decode(r[f.column]) end
   end,
}

-- A birth date: a year (born_year) or a date as written (born, and its year in born_year).
-- Read back as written, with its period (no first and last day are stored for it).
CODECS.born = {
   columns = function(f) return { column(f, f.column .. "_year", "INTEGER"), column(f, f.column, "TEXT") } end,
   put = function(f, row, v)
      if math.type(v) == "integer" then
         row[f.at] = v
      elseif v then
         row[f.at], row[f.at + 1] = tonumber(v.text:sub(1, 4)), v.text
      end
   end,
   get = function(f, r)
      local b = r[f.column] or r[f.column .. "_year"]
      if b ~= nil then return b, dates.parse(b) end
   end,
}

-- A mapping kept flat in columns named after it and its keys (count_exact, count_best...).
CODECS.group = {
   columns = function(f)
      local out = {}
      for _, sub in ipairs(f.fields) do
         for _, c in ipairs(sub.codec.columns(sub)) do out[#out + 1] = c end
      end
      return out
   end,
   put = function(f, row, v)
      v = v or {}
      for _, sub in ipairs(f.fields) do sub.codec.put(sub, row, v[sub.key]) end
   end,
   get = function(f, r)
      local out
      for _, sub in ipairs(f.fields) do
         local x = sub.codec.get(sub, r)
         if x ~= nil then
            out = out or {}
            out[sub.key] = x
         end
      end
      return out
   end,
}

-- A field a record gives either as one value (`source: id`, `region: Agdam`) or as a list in
-- the field named by f.list (`sources: [a, b]`, `regions: [Fuzuli, Zangilan]`): its column,
-- NOT NULL since the first schema, keeps the one value, or the list's first item (f.join:
-- its items joined so), so a query of the column alone still finds every record; the list
-- has a JSON column of its own. Read back as written: the value only when no list was given.
-- (f.whole: put is handed the whole record.)
CODECS.one_of_list = {
   columns = function(f) return { column(f, f.column, "TEXT") } end,
   put = function(f, row, rec)
      local v, list = rec[f.key], rec[f.list]
      if v == nil and list then v = f.join and table.concat(list, f.join) or list[1] end
      row[f.at] = v
   end,
   get = function(f, r)
      if r[f.list] == nil then return r[f.column] end
   end,
}

---------------------------------------------------------------------------- writing and reading rows

local function exec(db, sql, args)
   local n, err = db:exec(sql, args)
   if not n then error(err, 0) end
   return n
end

local function value_of(f, rec)
   if f.item or f.whole then return rec end
   return rec[f.key]
end

-- Writes one row of table t for rec: links are the key columns' values (the parent's id, the
-- position), ctx what child rows need to know of their parents ({key, record, position, up}).
-- The row table of each table is reused (every position is set before each INSERT, the
-- statement runs to completion before the children's rows are written, and no table has rows
-- of its own kind as children); values kept as they are (t.plain_at) are copied inline.
local function insert_row(db, t, rec, links, ctx)
   -- row[1..nlinks] = links; row[clear_at[i]] = nil; row[put_at[i]] = rec[put_key[i]] (in C)
   local row = fill_row(t.row, links, t.nlinks, t.clear_at, t.put_at, t.put_key, rec)
   local coded = t.put_coded
   for i = 1, #coded do
      local f = coded[i]
      -- (value_of inline, and the codec's put looked up once: this runs for every coded field
      -- of every row an import writes)
      f.put_value(f, row, f.whole_value and rec or rec[f.key], ctx)
   end
   local n, err = db:exec(t.insert, row)
   if not n then error(err, 0) end
   if t.children then
      local child_ctx = { key = t.rowid and db:last_insert_rowid() or rec.id, record = rec,
         position = links[t.nlinks], up = ctx }
      for _, f in ipairs(t.children) do f.codec.after(f, db, value_of(f, rec), child_ctx) end
   end
end

-- The record of a row read by name (SELECT *): each field back in the shape it was imported
-- in, a date also as KEY_period.
local function read_row(db, t, r)
   -- (rec[plain_keys[i]] = r[plain_columns[i]] in C, the table sized for the coded fields too)
   local rec = read_fields(r, t.plain_keys, t.plain_columns, t.ncoded_keys)
   -- (dates, counts, JSON lists and one-or-list fields in C: read_plan)
   read_coded(r, rec, t.read_plan, json.decode)
   local coded = t.coded
   for i = 1, #coded do
      local f = coded[i]
      local v, period = f.codec.get(f, r, db)
      rec[f.key] = v
      if period then rec[f.period_key] = period end
   end
   return rec
end
record_schema.read_row = read_row

-- Child rows: a list of mappings (or of items, t.item) in a table of their own, linked to
-- their parent and kept in order (position). f.link(ctx, i) gives a child's key columns.
CODECS.rows = {
   columns = function() return {} end,
   put = function() end,
   after = function(f, db, items, ctx)
      for i, item in ipairs(items or {}) do insert_row(db, f.rows, item, f.link(ctx, i), ctx) end
   end,
   get = function(f, r, db)
      local out, t = {}, f.rows
      for cr in db:query(f.select, r[f.parent_key or "id"]) do
         out[#out + 1] = t.item and t.item.codec.get(t.item, cr, db) or read_row(db, t, cr)
      end
      if #out > 0 or f.keep_empty then return out end
   end,
}

-- An exchange's mediators: party ids, or {party, person, role} for a named person (with or
-- without a party of the dataset). Each mediator with a party is a row of
-- exchange_mediators, as since the first schema (so the party filter finds it); when any is
-- a named person the whole list is also kept as JSON in the exchange's `mediators` column,
-- and read back from there.
CODECS.mediators = {
   columns = function(f) return { column(f, f.column, "TEXT") } end,
   put = function(f, row, items)
      for _, m in ipairs(items or {}) do
         if type(m) == "table" then
            row[f.at] = json.encode(items)
            return
         end
      end
   end,
   after = function(f, db, items, ctx)
      for i, m in ipairs(items or {}) do
         local party = type(m) == "table" and m.party or m
         if type(party) == "string" then insert_row(db, f.rows, party, f.link(ctx, i), ctx) end
      end
   end,
   get = function(f, r, db)
      if r[f.column] then return json.decode(r[f.column]) end
      return CODECS.rows.get(f, r, db)
   end,
}

---------------------------------------------------------------------------- the tables

-- A person as one list or one transfer gives them: the name as that side wrote it. An entry
-- without a person id gets a person of its own, named after where it stands (list-id#3).
local ENTRIES

local INSERT_LISTED_PERSON = "INSERT INTO persons (id, listed_only) VALUES (?, 1)"

-- (the parameter tables are reused from entry to entry: db:exec binds them at once)
local function insert_entries(db, entries, owner, generated_prefix, written_by)
   local person_row, links, ctx = {}, { owner.list, owner.transfer, owner.cargo }, { written_by = written_by }
   for i, e in ipairs(entries or {}) do
      local person = e.person or (generated_prefix .. "#" .. i)
      if not e.person then
         person_row[1] = person
         exec(db, INSERT_LISTED_PERSON, person_row)
      end
      links[4], ctx.person = i, person
      insert_row(db, ENTRIES, e, links, ctx)
   end
end

local SELECT_LIST_ENTRIES = "SELECT * FROM entries WHERE list = ? ORDER BY position"
local SELECT_CARGO_ENTRIES = "SELECT * FROM entries WHERE transfer = ? AND cargo = ? ORDER BY position"

local function read_entries(db, sql, ...)
   local out = {}
   for r in db:query(sql, { ... }) do out[#out + 1] = read_row(db, ENTRIES, r) end
   return out
end

-- The persons a list names (entries of that list).
CODECS.list_entries = {
   columns = function() return {} end,
   put = function() end,
   after = function(_, db, entries, ctx)
      insert_entries(db, entries, { list = ctx.key }, ctx.key, ctx.record.claimant)
   end,
   get = function(_, r, db) return read_entries(db, SELECT_LIST_ENTRIES, r.id) end,
}

-- Detainees or remains a transfer moved: {count, persons}, the count in a column named after
-- the cargo, the persons as entries of the transfer with that cargo.
CODECS.people = {
   columns = function(f)
      return { column(f, f.column, "INTEGER"), column(f, f.column .. "_by_scope", "TEXT", { since = ACCOUNTS }) }
   end,
   put = function(f, row, v)
      if v then row[f.at], row[f.at + 1] = v.count, v.by_scope and json.encode(v.by_scope) or nil end
   end,
   after = function(f, db, v, ctx)
      if v then
         insert_entries(db, v.persons, { transfer = ctx.key, cargo = f.key },
            string.format("%s/transfers[%d].%s", ctx.up.key, ctx.position, f.key), ctx.record.from)
      end
   end,
   get = function(f, r, db)
      local n = r[f.column]
      if n == nil then return nil end
      local v = { count = n }
      local by_scope = r[f.column .. "_by_scope"]
      if by_scope then v.by_scope = json.decode(by_scope) end
      local e = read_entries(db, SELECT_CARGO_ENTRIES, r.id, f.key)
      if #e > 0 then v.persons = e end
      return v
   end,
}

-- An entry's person: the id it gives, or the one made for it (person_given says which).
CODECS.entry_person = {
   columns = function(f)
      return { column(f, "person", "TEXT", { not_null = true }),
         column(f, "person_given", "INTEGER", { not_null = true, references = false }) }
   end,
   put = function(f, row, v, ctx) row[f.at], row[f.at + 1] = ctx.person, v and 1 or 0 end,
   get = function(_, r) if r.person_given == 1 then return r.person end end,
}

-- A name as a list or transfer writes it: its script, and who wrote it (that list's
-- claimant, the transfer's sender).
CODECS.written_name = {
   columns = function(f)
      return { column(f, "name", "TEXT"), column(f, "script", "TEXT"),
         column(f, "written_by", "TEXT", { references = "parties" }) }
   end,
   put = function(f, row, v, ctx) row[f.at], row[f.at + 1], row[f.at + 2] = v, v and text.script(v), ctx.written_by end,
   get = function(_, r) return r.name end,
}

-- A name a person record gives: a string, or {name, written_by} when one side wrote it so.
CODECS.person_name = {
   columns = function(f)
      return { column(f, "name", "TEXT", { not_null = true }), column(f, "script", "TEXT", { not_null = true }),
         column(f, "written_by", "TEXT", { references = "parties" }) }
   end,
   put = function(f, row, n)
      local name = type(n) == "table" and n.name or n
      row[f.at], row[f.at + 1], row[f.at + 2] = name, text.script(name), type(n) == "table" and n.written_by or nil
   end,
   get = function(_, r) return r.written_by and { name = r.name, written_by = r.written_by } or r.name end,
}

local function key(name, sqltype, more)
   local c = { name = name, type = sqltype }
   for k, v in pairs(more or {}) do c[k] = v end
   return c
end
local ROWID = key("id", "INTEGER", { pk = 1, rowid = true })
local POSITION = key("position", "INTEGER", { not_null = true })

-- Fields that describe a person, on a person record and on each list or transfer entry.
local function person_fields(more)
   local out = {}
   for _, f in ipairs(more) do out[#out + 1] = f end
   for _, f in ipairs({
      { "born", check = "born", codec = "born" }, { "sex", check = "enum", values = { "female", "male" } },
      { "category", check = "token" }, { "rank", check = "string" }, { "father_name", check = "string" },
      { "notes", check = "string" },
      -- withheld from every report but an internal one (parley.share)
      { "sensitive", check = "boolean", codec = "boolean", since = 5 },
   }) do out[#out + 1] = f end
   return out
end

ENTRIES = {
   name = "entries",
   key = { ROWID, key("list", "TEXT", { references = "lists" }),
      key("transfer", "INTEGER", { references = "transfers" }),
      key("cargo", "TEXT"), POSITION },
   fields = person_fields({ { "person", ref = "persons", codec = "entry_person" },
      { "name", check = "string", codec = "written_name" } }),
   after = "entry",
}

local MINE_MAPS = {
   name = "mine_maps",
   key = { ROWID, key("transfer", "INTEGER", { not_null = true, references = "transfers" }), POSITION },
   fields = {
      -- region, or regions: a map of several regions together (its mines are of them all)
      { "region", check = "token", not_null = true, codec = "one_of_list", whole = true, list = "regions",
         join = "+" },
      { "regions", check = "list", of = "token", codec = "json", since = ACCOUNTS },
      { "mines", check = "integer", min = 0, codec = "integer" },
      { "types", check = "list", of = "token", codec = "json" },
      { "reference_points", check = "list", of = "string", codec = "json" },
      { "perimeter", check = "string" }, { "emplacing_method", check = "string" }, { "fuze", check = "string" },
      { "lifetime", check = "string" }, { "date_laid", check = "date", codec = "date" },
      { "anti_handling", check = "anti_handling", codec = "json" },
      { "notes", check = "string" },
   },
   after = "mine_map",
}

-- The detainees or remains a transfer moved, as a dataset writes them.
local PEOPLE = {
   { "count", check = "integer", min = 0, required = true },
   -- the count by category: scope tags of the vocabulary to counts, together at most count
   { "by_scope", check = "by_scope" },
   { "persons", rows = ENTRIES },
}

local TRANSFERS = {
   name = "transfers",
   key = { ROWID, key("exchange", "TEXT", { not_null = true, references = "exchanges" }), POSITION },
   fields = {
      { "from", ref = "parties", required = true, column = "from_party" },
      { "to", ref = "parties", required = true, column = "to_party" },
      { "detainees", codec = "people", fields = PEOPLE, after = "people" },
      { "remains", codec = "people", fields = PEOPLE, after = "people" },
      { "mine_maps", rows = MINE_MAPS, select = "SELECT * FROM mine_maps WHERE transfer = ? ORDER BY position",
         link = function(ctx, i) return { ctx.key, i } end },
      { "notes", check = "string" },
   },
   after = "transfer",
}

local function positions(name, parent, item)
   return {
      name = name, key = { key(parent, "TEXT", { not_null = true, references = parent .. "s", pk = 1 }),
         key("position", "INTEGER", { not_null = true, pk = 2 }) },
      item = item, fields = { item },
   }
end

local PERSON_NAMES = positions("person_names", "person", { "name", check = "name", codec = "person_name", item = true })
local MEDIATORS = positions("exchange_mediators", "exchange",
   { "party", ref = "parties", not_null = true, item = true })
local EXCHANGE_SOURCES = positions("exchange_sources", "exchange",
   { "source", ref = "sources", not_null = true, item = true })

local function by_position(ctx, i) return { ctx.key, i } end

-- The record kinds, by their name in a dataset (vocab.RECORD_KINDS): each with its table and
-- the word for one record of it, for messages.
record_schema.kinds = {
   parties = {
      name = "parties", singular = "party",
      fields = {
         { "id", check = "id", required = true, codec = "id" }, { "name", check = "string", required = true },
         { "kind", check = "enum", values = { "state", "de_facto", "organisation", "group", "person", "other" } },
         { "notes", check = "string" },
      },
   },
   sources = {
      name = "sources", singular = "source",
      fields = {
         { "id", check = "id", required = true, codec = "id" }, { "title", check = "string", required = true },
         { "party", ref = "parties" }, { "speaker", check = "string" }, { "published", check = "date", codec = "date" },
         { "url", check = "string" }, { "reliability", check = "enum", values = { "A", "B", "C", "D", "E", "F" } },
         { "credibility", check = "integer", min = 1, max = 6, codec = "integer" },
         { "supersedes", ref = "sources" }, { "notes", check = "string" },
         { "sensitive", check = "boolean", codec = "boolean", since = 5 },
         -- provenance: the source this one relays (a syndication, a translation, a quote), and
         -- the original statement's id when that statement is no source of the dataset
         -- (parley.dataset refuses a chain of via that comes back to where it started)
         { "via", ref = "sources", since = ACCOUNTS }, { "origin", check = "id", since = ACCOUNTS },
      },
      after = "source",
   },
   persons = {
      name = "persons", singular = "person",
      fields = person_fields({
         { "id", check = "id", required = true, codec = "id" },
         { "names", rows = PERSON_NAMES, required = true, keep_empty = true, link = by_position,
            select = "SELECT * FROM person_names WHERE person = ? ORDER BY position" },
      }),
      -- a person only a list or a transfer names: no names of its own (parley.records)
      extra = { key("listed_only", "INTEGER", { not_null = true, default = "0" }) },
   },
   claims = {
      name = "claims", singular = "claim",
      fields = {
         { "id", check = "id", required = true, codec = "id" }, { "claimant", ref = "parties", required = true },
         -- source, or sources: several (parley.dataset asks for one of the two)
         { "source", ref = "sources", not_null = true, codec = "one_of_list", whole = true, list = "sources" },
         { "sources", check = "list", of_ref = "sources", codec = "json", since = ACCOUNTS },
         { "as_of", check = "date", required = true, codec = "date" },
         { "subject", check = "token", required = true }, { "holder", ref = "parties" }, { "about", ref = "parties" },
         { "region", check = "token" },
         { "count", codec = "group", after = "count", hint = "count", fields = {
            { "exact", check = "integer", min = 0, codec = "integer", column = "count_exact" },
            { "best", check = "integer", min = 0, codec = "integer", column = "count_best" },
            { "low", check = "integer", min = 0, codec = "integer", column = "count_low" },
            { "high", check = "integer", min = 0, codec = "integer", column = "count_high" },
            { "approx", check = "boolean", codec = "boolean", column = "count_approx" },
         } },
         { "value", check = "scalar", codec = "scalar" }, { "scope", check = "list", of = "token", codec = "json" },
         { "text", check = "string" }, { "supersedes", ref = "claims" }, { "notes", check = "string" },
         -- a breakdown: this claim's count is part of that claim's (parley.dataset checks it is
         -- the same statement: claimant, subject, holder, about, as-of and scope)
         { "part_of", ref = "claims", since = 5 },
         -- an account of an exchange: what moved in it by this claimant's word, from whom to whom
         { "exchange", ref = "exchanges", since = ACCOUNTS },
         { "from", ref = "parties", column = "from_party", since = ACCOUNTS },
         { "to", ref = "parties", column = "to_party", since = ACCOUNTS },
      },
      after = "claim",
   },
   lists = {
      name = "lists", singular = "list",
      fields = {
         { "id", check = "id", required = true, codec = "id" }, { "claimant", ref = "parties", required = true },
         { "source", ref = "sources", codec = "one_of_list", whole = true, list = "sources" },
         { "sources", check = "list", of_ref = "sources", codec = "json", since = ACCOUNTS },
         { "as_of", check = "date", required = true, codec = "date" },
         { "subject", check = "token", required = true }, { "holder", ref = "parties" }, { "about", ref = "parties" },
         { "text", check = "string" }, { "supersedes", ref = "lists" }, { "notes", check = "string" },
         { "persons", rows = ENTRIES, required = true, codec = "list_entries" },
         -- the persons who moved in an exchange, by this claimant's word
         { "exchange", ref = "exchanges", since = ACCOUNTS },
      },
      after = "list",
   },
   exchanges = {
      name = "exchanges", singular = "exchange",
      fields = {
         { "id", check = "id", required = true, codec = "id" },
         { "date", check = "date", required = true, codec = "date" },
         { "place", check = "string" },
         { "mediators", rows = MEDIATORS, codec = "mediators", check = "mediators", since = ACCOUNTS,
            link = by_position,
            select = "SELECT * FROM exchange_mediators WHERE exchange = ? ORDER BY position" },
         { "sources", rows = EXCHANGE_SOURCES, link = by_position,
            select = "SELECT * FROM exchange_sources WHERE exchange = ? ORDER BY position" },
         { "text", check = "string" }, { "supersedes", ref = "exchanges" }, { "notes", check = "string" },
         { "transfers", rows = TRANSFERS, required = true, keep_empty = true, link = by_position,
            select = "SELECT * FROM transfers WHERE exchange = ? ORDER BY position" },
      },
   },
   -- A reviewer's decision that entries are one person, or different people (docs/people.md):
   -- entries are `LIST_ID#N`, `EXCHANGE_ID/transfers[T].CARGO#N` or a person record's id. Its
   -- id may be left out: it is then made from what it decides (parley.dataset).
   identities = {
      name = "identities", singular = "decision", since = 5,
      fields = {
         { "id", check = "id", codec = "id" },
         { "same", check = "entry_refs", codec = "json" },
         { "different", check = "entry_refs", codec = "json" },
         { "by", check = "string", required = true, column = "decided_by" },
         { "on", check = "date", required = true, codec = "date", column = "decided_on" },
         { "note", check = "string" }, { "supersedes", ref = "identities" },
      },
      after = "identity",
   },
}

-- Every table the description covers, by name.
record_schema.tables = {}

---------------------------------------------------------------------------- derived at load

-- Fills in a field's defaults (key, column, codec) and its columns.
local function prepare_field(f)
   if f.prepared then return end -- PEOPLE's fields serve detainees and remains
   f.prepared = true
   f.key = f.key or f[1]
   f.column = f.column or f.key
   if f.rows and not f.codec then f.codec = "rows" end
   f.codec = CODECS[f.codec or "text"] or error("no codec " .. tostring(f.codec) .. " for field " .. f.key)
   if f.fields then
      for _, sub in ipairs(f.fields) do
         if not sub.rows then prepare_field(sub) end
      end
   end
   f.columns = f.codec.columns(f)
end

local prepared = {}

local function column_names(columns)
   local out = {}
   for i, c in ipairs(columns) do out[i] = c.name end
   return out
end

-- A field's entry in core.read_coded's plan (src/record_row.c says each kind), or nil when its
-- codec is read in Lua: what core.read_coded does is what the codec's get does, for these
-- codecs exactly (spec/record_row_spec.lua reads every kind both ways).
local function read_plan_entry(f)
   if f.codec == CODECS.date then
      local c = f.column
      return { 1, f.key, f.period_key, c, c .. "_precision", c .. "_start", c .. "_end" }
   elseif f.codec == CODECS.json then
      return { 3, f.key, f.column }
   elseif f.codec == CODECS.one_of_list then
      return { 4, f.key, f.column, f.list }
   elseif f.codec == CODECS.group then
      local keys, columns, booleans = {}, {}, {}
      for i, sub in ipairs(f.fields) do
         if sub.codec ~= CODECS.integer and sub.codec ~= CODECS.boolean then return nil end
         keys[i], columns[i], booleans[i] = sub.key, sub.column, sub.codec == CODECS.boolean
      end
      return { 2, f.key, keys, columns, booleans }
   end
end
record_schema.read_plan_entry = read_plan_entry

-- The columns of a table in order, and its INSERT (built once: the store's statement cache
-- keeps it prepared).
local function prepare_table(t)
   if prepared[t] then return end
   prepared[t] = true
   t.columns, t.children = {}, nil
   local written = {}
   for _, c in ipairs(t.key or {}) do
      t.columns[#t.columns + 1] = c
      if c.rowid then t.rowid = true else written[#written + 1] = c end
   end
   t.nlinks = #written
   for _, f in ipairs(t.fields) do
      prepare_field(f)
      f.at = #written + 1
      if f.codec == CODECS.group then
         local at = f.at
         for _, sub in ipairs(f.fields) do
            sub.at = at
            at = at + #sub.columns
         end
      end
      for _, c in ipairs(f.columns) do
         t.columns[#t.columns + 1] = c
         written[#written + 1] = c
      end
      if f.codec.after then
         t.children = t.children or {}
         t.children[#t.children + 1] = f
      end
      if f.rows then prepare_table(f.rows) end
      if f.fields then
         for _, sub in ipairs(f.fields) do
            if sub.rows then prepare_table(sub.rows) end
         end
      end
   end
   for _, c in ipairs(t.extra or {}) do t.columns[#t.columns + 1] = c end
   -- what read_row copies as it is (one column, read back as stored), what core.read_coded
   -- decodes (t.read_plan), and what it decodes through the field's codec (t.coded)
   t.plain_keys, t.plain_columns, t.coded, t.read_plan = {}, {}, {}, {}
   for _, f in ipairs(t.fields) do
      if f.codec == CODECS.text or f.codec == CODECS.integer or f.codec == CODECS.id then
         t.plain_keys[#t.plain_keys + 1] = f.key
         t.plain_columns[#t.plain_columns + 1] = f.column
      else
         f.period_key = f.key .. "_period"
         local entry = read_plan_entry(f)
         if entry then t.read_plan[#t.read_plan + 1] = entry else t.coded[#t.coded + 1] = f end
      end
   end
   -- (a coded field may add its _period: room for both)
   t.ncoded_keys = 2 * (#t.coded + #t.read_plan)
   -- what insert_row copies as it is (a field of one column, kept as it is), and what it puts
   -- through its codec
   t.put_at, t.put_key, t.put_coded = {}, {}, {}
   for _, f in ipairs(t.fields) do
      if (f.codec == CODECS.text or f.codec == CODECS.integer or f.codec == CODECS.id) and not f.item then
         t.put_at[#t.put_at + 1] = f.at
         t.put_key[#t.put_key + 1] = f.key
      else
         t.put_coded[#t.put_coded + 1] = f
         f.put_value, f.whole_value = f.codec.put, (f.item or f.whole) and true or false
      end
   end
   t.nparams, t.row = #written, {}
   -- the positions a codec writes (or leaves unset): cleared before each row; the others are
   -- set for every row (links, and plain values, nil included)
   local plain = {}
   for _, at in ipairs(t.put_at) do plain[at] = true end
   t.clear_at = {}
   for i = t.nlinks + 1, t.nparams do
      if not plain[i] then t.clear_at[#t.clear_at + 1] = i end
   end
   local marks = {}
   for i = 1, #written do marks[i] = "?" end
   t.insert = string.format("INSERT INTO %s (%s) VALUES (%s)", t.name, table.concat(column_names(written), ", "),
      table.concat(marks, ", "))
   record_schema.tables[t.name] = t
end

for _, t in pairs(record_schema.kinds) do prepare_table(t) end

-- A column as ALTER TABLE ADD COLUMN or CREATE TABLE writes it (the migration steps derived
-- from `since`).
function record_schema.column_ddl(c)
   local out = { c.name, c.type }
   if c.pk and not c.rowid and c.in_create then out[#out + 1] = "PRIMARY KEY" end
   if c.not_null then out[#out + 1] = "NOT NULL" end
   if c.default then out[#out + 1] = "DEFAULT " .. c.default end
   if c.references then
      out[#out + 1] = string.format("REFERENCES %s(id) DEFERRABLE INITIALLY DEFERRED", c.references)
   end
   return table.concat(out, " ")
end

-- CREATE TABLE for a record kind added after the written-out migrations (`since = N` on the
-- kind: migration N creates it). Only kinds with a single-column primary key and no child
-- tables are made so.
function record_schema.table_ddl(t)
   local cols = {}
   for _, c in ipairs(t.columns) do
      local copy = {}
      for k, v in pairs(c) do copy[k] = v end
      copy.in_create = true
      cols[#cols + 1] = record_schema.column_ddl(copy)
   end
   assert(not t.children, "table " .. t.name .. ": a table made by a later migration has no child tables")
   return string.format("CREATE TABLE %s (\n  %s\n);\n", t.name, table.concat(cols, ",\n  "))
end

-- Writes a validated record of `kind` (vocab.RECORD_KINDS) and its child rows.
function record_schema.insert(db, kind, rec)
   insert_row(db, record_schema.kinds[kind], rec, {}, nil)
end

return record_schema
