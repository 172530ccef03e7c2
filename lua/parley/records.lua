-- Reading records back: db:parties(), db:sources(), db:claims(filter), db:lists(filter),
-- db:persons(filter), db:exchanges(filter), db:imports(). Each is a generic-for iterator
-- that returns four values, so a break out of the loop releases its statement at once.
-- Records come back in the shape they were imported in (docs/dataset.md), and each date
-- field X also as X_period, the table parley.dates.parse gives for it, so rules and reports
-- need not parse date text again.

local dates = require "parley.dates"
local json = require "parley.json"
local text = require "parley.text"

local records = {}

-- Wraps a query so that each row is converted into a record.
local function iterate(db, sql, args, convert)
   local it, cursor, _, closer = db:query(sql, args)
   if not it then error(cursor, 3) end
   return function()
      local row = it(cursor)
      if row then return convert(db, row) end
   end, nil, nil, closer
end

local function decode(s)
   if s then return json.decode(s) end
end

-- The period of the date column `name`, from the precision and first and last day stored
-- beside it: the same table as dates.parse(row[name]).
local function period(row, name)
   local t = row[name]
   if t == nil then return nil end
   return { text = t, precision = row[name .. "_precision"], first = row[name .. "_start"], last = row[name .. "_end"] }
end

-- A birth date as written (a year, or a date as text), and its period: born has no stored
-- first and last day, and its text is valid (it was checked on import).
local function born(row)
   local b = row.born or row.born_year
   if b == nil then return nil end
   return b, dates.parse(b)
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
         clause = clause(v)
      else
         args[k] = v
      end
      if clause then clauses[#clauses + 1] = clause end
   end
   table.sort(clauses)
   if #clauses == 0 then return "", args end
   return " WHERE " .. table.concat(clauses, " AND "), args
end

---------------------------------------------------------------------------- parties, sources

local function party(_, r)
   return { id = r.id, name = r.name, kind = r.kind, notes = r.notes }
end

function records.parties(db)
   return iterate(db, "SELECT * FROM parties ORDER BY id", {}, party)
end

local function source(_, r)
   return {
      id = r.id, title = r.title, party = r.party, speaker = r.speaker, published = r.published,
      published_period = period(r, "published"), url = r.url, reliability = r.reliability,
      credibility = r.credibility, supersedes = r.supersedes, notes = r.notes,
   }
end

function records.sources(db)
   return iterate(db, "SELECT * FROM sources ORDER BY id", {}, source)
end

---------------------------------------------------------------------------- claims

local function claim(_, r)
   local c = {
      id = r.id, claimant = r.claimant, source = r.source, as_of = r.as_of, as_of_period = period(r, "as_of"),
      subject = r.subject, holder = r.holder, about = r.about, region = r.region, text = r.text,
      supersedes = r.supersedes, notes = r.notes, scope = decode(r.scope),
   }
   if r.count_exact then
      c.count = { exact = r.count_exact }
   elseif r.count_best or r.count_low or r.count_high then
      c.count = { best = r.count_best, low = r.count_low, high = r.count_high }
      if r.count_approx then c.count.approx = r.count_approx == 1 end
   end
   if r.value_type then c.value = json.decode(r.value) end
   return c
end

-- Filters shared by claims and lists.
local function claim_filters(tbl)
   return {
      id = tbl .. ".id = :id", claimant = "claimant = :claimant", holder = "holder = :holder",
      about = "about = :about", subject = "subject = :subject", source = "source = :source",
      from = "as_of_end >= :from", to = "as_of_start <= :to",
      current = function(v)
         if v then
            return "NOT EXISTS (SELECT 1 FROM " .. tbl .. " AS later WHERE later.supersedes = " .. tbl .. ".id)"
         end
      end,
   }
end

-- filter: id, claimant, holder, about, subject, source, region; from and to (YYYY-MM-DD: claims
-- whose date can fall in the range); current = true leaves out superseded claims.
function records.claims(db, filter)
   local known = claim_filters("claims")
   known.region = "region = :region"
   local w, args = where(filter, known, "claims")
   return iterate(db, "SELECT * FROM claims" .. w .. " ORDER BY as_of_start, id", args, claim)
end

---------------------------------------------------------------------------- persons, lists

local function entries(db, column, value, cargo)
   local out = {}
   local sql = "SELECT * FROM entries WHERE " .. column .. " = ?" ..
      (cargo and " AND cargo = ?" or "") .. " ORDER BY position"
   for r in db:query(sql, { value, cargo }) do
      local b, b_period = born(r)
      out[#out + 1] = {
         person = r.person_given == 1 and r.person or nil, name = r.name, born = b, born_period = b_period,
         sex = r.sex, category = r.category, rank = r.rank, father_name = r.father_name, notes = r.notes,
      }
   end
   return out
end

local function list(db, r)
   return {
      id = r.id, claimant = r.claimant, source = r.source, as_of = r.as_of, as_of_period = period(r, "as_of"),
      subject = r.subject, holder = r.holder, about = r.about, text = r.text, supersedes = r.supersedes,
      notes = r.notes, persons = entries(db, "list", r.id),
   }
end

function records.lists(db, filter)
   local w, args = where(filter, claim_filters("lists"), "lists")
   return iterate(db, "SELECT * FROM lists" .. w .. " ORDER BY as_of_start, id", args, list)
end

-- A person as recorded, plus `variants`: every name any record gives them, with its script,
-- who wrote it and in which list or exchange.
local function person(db, r)
   local b, b_period = born(r)
   local p = {
      id = r.id, born = b, born_period = b_period, sex = r.sex, category = r.category, rank = r.rank,
      father_name = r.father_name, notes = r.notes, variants = {},
   }
   if r.listed_only == 1 then p.listed_only = true end
   local names = {}
   for n in db:query("SELECT * FROM person_names WHERE person = ? ORDER BY position", r.id) do
      names[#names + 1] = n.written_by and { name = n.name, written_by = n.written_by } or n.name
      p.variants[#p.variants + 1] = { name = n.name, script = n.script, written_by = n.written_by }
   end
   if r.listed_only ~= 1 then p.names = names end
   for e in db:query("SELECT e.name, e.script, e.written_by, e.list, t.exchange FROM entries e " ..
      "LEFT JOIN transfers t ON t.id = e.transfer WHERE e.person = ? AND e.name IS NOT NULL ORDER BY e.id", r.id) do
      p.variants[#p.variants + 1] = {
         name = e.name, script = e.script, written_by = e.written_by, list = e.list, exchange = e.exchange,
      }
   end
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

---------------------------------------------------------------------------- exchanges

local function mine_map(r)
   return {
      region = r.region, mines = r.mines, types = decode(r.types), reference_points = decode(r.reference_points),
      perimeter = r.perimeter, emplacing_method = r.emplacing_method, fuze = r.fuze, lifetime = r.lifetime,
      date_laid = r.date_laid, date_laid_period = period(r, "date_laid"), anti_handling = decode(r.anti_handling),
      notes = r.notes,
   }
end

local function exchange(db, r)
   local x = {
      id = r.id, date = r.date, date_period = period(r, "date"), place = r.place, text = r.text,
      supersedes = r.supersedes, notes = r.notes, transfers = {},
   }
   for m in db:query("SELECT party FROM exchange_mediators WHERE exchange = ? ORDER BY position", r.id) do
      x.mediators = x.mediators or {}
      x.mediators[#x.mediators + 1] = m.party
   end
   for s in db:query("SELECT source FROM exchange_sources WHERE exchange = ? ORDER BY position", r.id) do
      x.sources = x.sources or {}
      x.sources[#x.sources + 1] = s.source
   end
   for t in db:query("SELECT * FROM transfers WHERE exchange = ? ORDER BY position", r.id) do
      local tr = { from = t.from_party, to = t.to_party, notes = t.notes }
      for _, cargo in ipairs({ "detainees", "remains" }) do
         if t[cargo] then
            tr[cargo] = { count = t[cargo] }
            local e = entries(db, "transfer", t.id, cargo)
            if #e > 0 then tr[cargo].persons = e end
         end
      end
      for m in db:query("SELECT * FROM mine_maps WHERE transfer = ? ORDER BY position", t.id) do
         tr.mine_maps = tr.mine_maps or {}
         tr.mine_maps[#tr.mine_maps + 1] = mine_map(m)
      end
      x.transfers[#x.transfers + 1] = tr
   end
   return x
end

-- filter: id; party (one side of a transfer or a mediator); from and to (YYYY-MM-DD);
-- current = true leaves out superseded exchanges.
function records.exchanges(db, filter)
   local w, args = where(filter, {
      id = "exchanges.id = :id",
      party = "(exchanges.id IN (SELECT exchange FROM transfers WHERE from_party = :party OR to_party = :party) " ..
         "OR exchanges.id IN (SELECT exchange FROM exchange_mediators WHERE party = :party))",
      from = "date_end >= :from", to = "date_start <= :to",
      current = function(v)
         if v then
            return "NOT EXISTS (SELECT 1 FROM exchanges AS later WHERE later.supersedes = exchanges.id)"
         end
      end,
   }, "exchanges")
   return iterate(db, "SELECT * FROM exchanges" .. w .. " ORDER BY date_start, id", args, exchange)
end

---------------------------------------------------------------------------- imports

function records.imports(db)
   return iterate(db, "SELECT * FROM imports ORDER BY id", {}, function(_, r)
      return { id = r.id, name = r.name, sha256 = r.sha256, imported_at = r.imported_at, counts = decode(r.counts) }
   end)
end

return records
