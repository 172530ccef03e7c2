-- SPDX-License-Identifier: MIT
-- Reading records back: db:parties(), db:sources(), db:claims(filter), db:lists(filter),
-- db:persons(filter), db:exchanges(filter), db:imports(). Each is a generic-for iterator
-- that returns four values, so a break out of the loop releases its statement at once.
-- Records come back in the shape they were imported in (docs/dataset.md), and each date
-- field X also as X_period, the table parley.dates.parse gives for it, so rules and reports
-- need not parse date text again. Rows become records as parley.record_schema describes.
-- Claims and lists also carry `canonical` = {subject, kind, scope}: their subject and scope
-- through the store's vocabulary (parley.terms), the form every comparison uses, while the
-- record keeps what the source said.

local dates = require "parley.dates"
local json = require "parley.json"
local record_schema = require "parley.record_schema"
local terms = require "parley.terms"
local text = require "parley.text"

local records = {}

-- Wraps a query so that each row is converted into a record (db:query raises SQLite's message
-- when the statement does not prepare, so the record iterators do too).
local function iterate(db, sql, args, convert)
   local it, cursor, _, closer = db:query(sql, args)
   return function()
      local row = it(cursor)
      if row then return convert(db, row) end
   end, nil, nil, closer
end

local function decode(s)
   if s then return json.decode(s) end
end

-- The converter of a kind's rows into records.
local function reader(kind)
   local t = record_schema.kinds[kind]
   local read_row = record_schema.read_row
   return function(db, r) return read_row(db, t, r) end
end

-- Builds WHERE clauses from a filter, refusing keys it does not know (a typo would otherwise
-- silently return everything).
local function where(filter, known, fname)
   local clauses, args = {}, {}
   if filter == nil then return "", args end
   if type(filter) ~= "table" then
      error(string.format("bad argument #1 to '%s' (filter table expected, got %s)", fname, type(filter)), 3)
   end
   local names = {}
   for k in pairs(known) do names[#names + 1] = k end
   table.sort(names)
   for k, v in pairs(filter) do
      local clause = known[k]
      if not clause then
         error(string.format("bad argument #1 to '%s' (unknown filter key '%s'%s; known keys: %s)", fname,
            tostring(k), type(k) == "string" and text.did_you_mean(k, names) or "", table.concat(names, ", ")), 3)
      end
      if type(clause) == "function" then
         local value, why
         clause, value, why = clause(v)
         if why then
            error(string.format("bad argument #1 to '%s' (filter %s: %s)", fname, tostring(k), why), 3)
         end
         if value ~= nil then args[k] = value end
      else
         args[k] = v
      end
      if clause then clauses[#clauses + 1] = clause end
   end
   table.sort(clauses)
   if #clauses == 0 then return "", args end
   return " WHERE " .. table.concat(clauses, " AND "), args
end

---------------------------------------------------------------------------- vocabulary

-- What each import's `vocabulary:` added (the vocabularies table), in import order: tables as
-- a dataset writes them ({subjects =, scopes =}).
function records.stored_vocabularies(db)
   local stored = {}
   for row in db:query("SELECT vocabulary FROM vocabularies ORDER BY import") do
      stored[#stored + 1] = json.decode(row.vocabulary)
   end
   return stored
end

-- The vocabulary of a store (a parley.terms vocabulary): the default with what its imports
-- added, in import order.
function records.vocabulary(db)
   return terms.vocabulary(table.unpack(records.stored_vocabularies(db)))
end

-- The vocabulary the readers use, built once per store connection and again only when an
-- import has added to it (the vocabularies table only grows, so its count and last import
-- say whether it changed): a rule that reads claims once per group does not rebuild it each
-- time. Kept apart from records.vocabulary's, which callers may add to.
local readers_vocabulary = setmetatable({}, { __mode = "k" })

local function cached_vocabulary(db)
   local row = db:first("SELECT count(*) AS n, max(import) AS last FROM vocabularies")
   local key = string.format("%d/%s", row.n, tostring(row.last))
   local cached = readers_vocabulary[db]
   if cached and cached.key == key then return cached.vocabulary end
   local v = records.vocabulary(db)
   readers_vocabulary[db] = { key = key, vocabulary = v }
   return v
end

-- A converter that adds `canonical` to each record convert gives. The canonical forms are
-- shared by the records of one query that say the same (read them, do not change them).
local function with_canonical(db, convert)
   local v = cached_vocabulary(db)
   local seen = {}
   return function(_, r)
      local rec = convert(db, r)
      local k = rec.subject .. "\0" .. (r.scope or "") .. "\0" .. (rec.region or "")
      local c = seen[k]
      if not c then
         c = v:canonical(rec.subject, rec.scope, rec.region)
         seen[k] = c
      end
      rec.canonical = c
      return rec
   end
end

---------------------------------------------------------------------------- parties, sources

local party = reader("parties")

function records.parties(db)
   return iterate(db, "SELECT * FROM parties ORDER BY id", {}, party)
end

local source = reader("sources")

function records.sources(db)
   return iterate(db, "SELECT * FROM sources ORDER BY id", {}, source)
end

---------------------------------------------------------------------------- claims

local claim = reader("claims")

-- The from and to filters of a date column: records whose date can fall within the filter's
-- period, at any precision: from = "2020-12" keeps every record whose latest possible day is
-- on or after 1 December 2020, to = "2020-12" those whose earliest is on or before the 31st, so
-- {from = "2020-12", to = "2020-12"} is December 2020 (a day in it, the month, the year 2020, an
-- interval touching it). A filter date is read as a dataset's dates are (parley.dates), or is
-- a period a reader gave (c.as_of_period).
local function period(v)
   if type(v) == "table" and type(v.first) == "string" and type(v.last) == "string" then return v end
   return dates.parse(v)
end

local function date_filters(known, column)
   known.from = function(v)
      local d, why = period(v)
      if not d then return nil, nil, why end
      return column .. "_end >= :from", d.first
   end
   known.to = function(v)
      local d, why = period(v)
      if not d then return nil, nil, why end
      return column .. "_start <= :to", d.last
   end
   return known
end

-- Filters shared by claims and lists.
local function claim_filters(tbl)
   return date_filters({
      id = tbl .. ".id = :id", claimant = "claimant = :claimant", holder = "holder = :holder",
      about = "about = :about", subject = "subject = :subject",
      -- a record's one source, or any of its several
      source = "(source = :source OR EXISTS (SELECT 1 FROM json_each(" .. tbl .. ".sources) WHERE value = :source))",
      current = function(v)
         if v then
            return "NOT EXISTS (SELECT 1 FROM " .. tbl .. " AS later WHERE later.supersedes = " .. tbl .. ".id)"
         end
      end,
   }, "as_of")
end

-- filter: id, claimant, holder, about, subject, source, region; from and to (a date at any
-- precision, or an interval: claims whose as_of can fall in the period, see date_filters);
-- current = true leaves out superseded claims.
function records.claims(db, filter)
   local known = claim_filters("claims")
   known.region = "region = :region"
   local w, args = where(filter, known, "claims")
   return iterate(db, "SELECT * FROM claims" .. w .. " ORDER BY as_of_start, id", args, with_canonical(db, claim))
end

---------------------------------------------------------------------------- persons, lists

local list = reader("lists")

function records.lists(db, filter)
   local w, args = where(filter, claim_filters("lists"), "lists")
   return iterate(db, "SELECT * FROM lists" .. w .. " ORDER BY as_of_start, id", args, with_canonical(db, list))
end

-- A person as recorded, plus `variants`: every name any record gives them, with its script,
-- who wrote it and in which list or exchange.
local person_record = reader("persons")

-- Every name of a person: those the person record gives (in order), then those of the
-- entries of lists and transfers (in the order they were imported).
local SELECT_VARIANTS = "SELECT name, script, written_by, NULL AS list, NULL AS exchange, 0 AS part, " ..
   "position AS seq FROM person_names WHERE person = :id UNION ALL " ..
   "SELECT e.name, e.script, e.written_by, e.list, t.exchange, 1 AS part, e.id AS seq FROM entries e " ..
   "LEFT JOIN transfers t ON t.id = e.transfer WHERE e.person = :id AND e.name IS NOT NULL ORDER BY part, seq"

-- The person record alone (no variants).
local function person_alone(db, r)
   local p = person_record(db, r)
   if r.listed_only == 1 then
      p.listed_only = true
      p.names = nil
   end
   return p
end

local function person(db, r)
   local p = person_alone(db, r)
   local variants = {}
   for v in db:query(SELECT_VARIANTS, { id = r.id }) do
      variants[#variants + 1] = {
         name = v.name, script = v.script, written_by = v.written_by, list = v.list, exchange = v.exchange,
      }
   end
   p.variants = variants
   return p
end

-- filter: id; list (persons on that list); name (a substring of any name variant).
function records.persons(db, filter)
   local w, args = where(filter, {
      id = "persons.id = :id",
      list = "persons.id IN (SELECT person FROM entries WHERE list = :list)",
      name = "persons.id IN (SELECT person FROM person_names WHERE instr(name, :name) > 0 " ..
         "UNION SELECT person FROM entries WHERE instr(name, :name) > 0)",
   }, "persons")
   return iterate(db, "SELECT * FROM persons" .. w .. " ORDER BY id", args, person)
end

-- Every person record as records.persons gives it but without `variants`, which take a query
-- of every entry per person: the resolution of people reads only a record's own names.
function records.person_records(db)
   return iterate(db, "SELECT * FROM persons ORDER BY id", {}, person_alone)
end

--- The id of the i-th person of list `list_id` as an entry (the resolution of people, findings'
-- evidence and sharing name each person of a list so): `LIST#i`.
-- @tparam string list_id the list's id
-- @tparam integer i the person's position in the list, from 1
-- @treturn string
function records.list_entry_id(list_id, i)
   return list_id .. "#" .. i
end

--- The id of the i-th person of `cargo` (detainees or remains) in the t-th transfer of exchange
-- `x` as an entry: `EXCHANGE/transfers[T].CARGO#i`.
-- @tparam string x the exchange's id
-- @tparam integer t the transfer's position in the exchange, from 1
-- @tparam string cargo detainees or remains
-- @tparam integer i the person's position among the transfer's persons of that cargo, from 1
-- @treturn string
function records.transfer_entry_id(x, t, cargo, i)
   return string.format("%s/transfers[%d].%s#%d", x, t, cargo, i)
end

---------------------------------------------------------------------------- exchanges

local exchange = reader("exchanges")

-- filter: id; party (one side of a transfer or a mediator); from and to (as for claims);
-- current = true leaves out superseded exchanges.
function records.exchanges(db, filter)
   local w, args = where(filter, date_filters({
      id = "exchanges.id = :id",
      party = "(exchanges.id IN (SELECT exchange FROM transfers WHERE from_party = :party OR to_party = :party) " ..
         "OR exchanges.id IN (SELECT exchange FROM exchange_mediators WHERE party = :party))",
      current = function(v)
         if v then
            return "NOT EXISTS (SELECT 1 FROM exchanges AS later WHERE later.supersedes = exchanges.id)"
         end
      end,
   }, "date"), "exchanges")
   return iterate(db, "SELECT * FROM exchanges" .. w .. " ORDER BY date_start, id", args, exchange)
end

---------------------------------------------------------------------------- decisions

local decision = reader("identities")

-- Reviewers' decisions on who is who (docs/people.md), in the order they were decided.
-- filter: id; current = true leaves out superseded decisions.
function records.identities(db, filter)
   local w, args = where(filter, {
      id = "identities.id = :id",
      current = function(v)
         if v then
            return "NOT EXISTS (SELECT 1 FROM identities AS later WHERE later.supersedes = identities.id)"
         end
      end,
   }, "identities")
   return iterate(db, "SELECT * FROM identities" .. w .. " ORDER BY decided_on_start, id", args, decision)
end

-- The categories of a transfer's `by_scope` ({soldiers = 30, civilians = 14}) in the order the
-- reports and exports give them: largest count first, then by name.
function records.scope_order(by_scope)
   local tags = {}
   for tag in pairs(by_scope) do tags[#tags + 1] = tag end
   table.sort(tags, function(a, b)
      local na, nb = by_scope[a], by_scope[b]
      if na ~= nb then return na > nb end
      return a < b
   end)
   return tags
end

---------------------------------------------------------------------------- imports

function records.imports(db)
   return iterate(db, "SELECT * FROM imports ORDER BY id", {}, function(_, r)
      return { id = r.id, name = r.name, sha256 = r.sha256, imported_at = r.imported_at, counts = decode(r.counts) }
   end)
end

return records
