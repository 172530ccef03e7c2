-- SPDX-License-Identifier: MIT
-- Data out (docs/tables.md): what a store holds, written as canonical parley YAML datasets,
-- one per import, that import back as the same records (how two analysts share and merge
-- their stores: imports are append-only and idempotent, so importing each other's exports
-- merges them, and a record with the same id and different content is refused), or as one
-- CSV table of persons, claims or exchanges with HXL hashtags for spreadsheets and
-- humanitarian tools.

local json = require "parley.json"
local scope_order = require("parley.records").scope_order
local share = require "parley.share"
local vocab = require "parley.vocab"
local yaml = require "parley.yaml"
local HXL = require("parley.tables").HXL

local export = {}

---------------------------------------------------------------------------- datasets

-- A copy of a record without the periods the readers derive from its dates (as_of_period, ...:
-- they are not part of what was imported), at any depth; nor a birth decade a sharing policy
-- made (the dataset format has none: the dataset leaves the birth date out).
local function without_periods(v)
   if type(v) ~= "table" then return v end
   local out = {}
   for k, x in pairs(v) do
      if not (type(k) == "string" and (k:match("_period$") or k == "born_decade")) then
         out[k] = without_periods(x)
      end
   end
   return out
end

-- The sharer of opts.share (parley.share), or nil when the policy keeps everything; raises
-- nothing: returns false and a message when the policy cannot be applied.
local function sharer_of(db, opts)
   local policy, err = share.policy(opts.share, { key_file = opts.share_key })
   if not policy then return false, err end
   if share.keeps_all(policy) then return nil end
   return share.sharer(policy, db)
end

-- A record as the dataset writes it: what the reader gives back without what the store adds
-- (a person's variants, which are other records' names; each date's period; a claim's or
-- list's canonical subject and scope).
local function as_written(kind, r)
   r.canonical = nil
   if kind == "persons" then
      r = { id = r.id, names = r.names, born = r.born, sex = r.sex, category = r.category, rank = r.rank,
         father_name = r.father_name, notes = r.notes }
   end
   return without_periods(r)
end

-- Every record of the store of one kind, by id, as the sharer (if any) shows it (a withheld
-- sensitive person is left out).
local function by_id(db, kind, sharer)
   local out = {}
   for r in db[kind](db) do
      local w = r
      if sharer then w = sharer:record(kind, w) end
      if w then out[r.id] = as_written(kind, w) end
   end
   return out
end

-- A file name for an import: its number and the base name of what was imported.
local function file_name(import)
   local first = import.name:match("^(%S+)") or "dataset"
   local base = first:match("([^/]*)$"):gsub("%.[%w]+$", ""):gsub("[^%w._-]+", "_")
   if base == "" then base = "dataset" end
   return string.format("%04d-%s.yaml", import.id, base:sub(1, 60))
end

-- The datasets of the store's imports: a list of {import=, name=, sha256=, text=, data=},
-- oldest first, leaving out imports that added no record (everything already stored).
-- opts.since: only the imports after that import id; opts.share, opts.share_key: a sharing
-- policy (docs/sharing.md) applied to every record. Returns the list, or nil and a message.
function export.documents(db, opts)
   opts = opts or {}
   local since = opts.since or 0
   local sharer, serr = sharer_of(db, opts)
   if sharer == false then return nil, serr end
   local records = {}
   for _, kind in ipairs(vocab.RECORD_KINDS) do records[kind] = by_id(db, kind, sharer) end
   local docs = {}
   for import in db:imports() do
      if import.id > since then
         local data, n = { parley = 1 }, 0
         -- what the import added to the vocabulary, so the export reads its records the same way
         local v = db:first("SELECT vocabulary FROM vocabularies WHERE import = ?", import.id)
         if v then
            data.vocabulary = json.decode(v.vocabulary)
            -- a document's places: are kept with its vocabulary, and written back as they came
            data.places, data.vocabulary.places = data.vocabulary.places, nil
            if next(data.vocabulary) == nil then data.vocabulary = nil end
            n = n + 1
         end
         for _, kind in ipairs(vocab.RECORD_KINDS) do
            for id in db:rows("SELECT id FROM records WHERE import = ? AND kind = ? ORDER BY id", import.id, kind) do
               data[kind] = data[kind] or {}
               data[kind][#data[kind] + 1] = records[kind][id]
               n = n + 1
            end
         end
         if n > 0 then
            local header = string.format("# parley export of import %d of %s\n# name: %s\n# sha256: %s\n" ..
               "# imported at: %s\n", import.id, db:path(), import.name, import.sha256, import.imported_at)
            if sharer then
               header = header .. "# " .. share.statement(sharer.policy, sharer).summary ..
                  " (shared at level " .. sharer.policy.level .. ", docs/sharing.md)\n"
            end
            docs[#docs + 1] = { import = import.id, name = import.name, sha256 = import.sha256, data = data,
               file = file_name(import), text = header .. yaml.dump(data) }
         end
      end
   end
   return docs
end

-- Writes export.documents to opts.dir (which must exist). Returns the list of {path=,
-- import=} written, or nil and a message.
function export.datasets(db, opts)
   opts = opts or {}
   local dir = opts.dir or "."
   local written = {}
   local docs, derr = export.documents(db, opts)
   if not docs then return nil, derr end
   for _, doc in ipairs(docs) do
      local path = (dir == "." and "" or (dir:gsub("/$", "") .. "/")) .. doc.file
      local f, err = io.open(path, "wb")
      if not f then return nil, string.format("cannot write %s: %s", path, err) end
      f:write(doc.text)
      f:close()
      written[#written + 1] = { path = path, import = doc.import }
   end
   return written
end

---------------------------------------------------------------------------- tables

-- One field: formula-guarded, then quoted as RFC 4180 requires (parley.text.csv_field).
local field = require("parley.text").csv_field

local function joined(list, sep)
   return list and table.concat(list, sep or "; ") or nil
end

-- A transfer's parts by category, "soldiers=30; civilians=14" (largest first), or nil.
local function by_scope(people)
   if not people.by_scope then return nil end
   local tags = scope_order(people.by_scope)
   for i, tag in ipairs(tags) do tags[i] = tag .. "=" .. people.by_scope[tag] end
   return table.concat(tags, "; ")
end

local function first_name(names)
   local n = names and names[1]
   return type(n) == "table" and n.name or n
end

-- The columns of each kind: name, HXL hashtag, value(record). The hashtags of claims and of
-- persons' fields are those parley.tables reads a tagged table by (tables.HXL), so a claims
-- table comes back in without a mapping.
export.COLUMNS = {
   persons = {
      { "id", HXL.claims.id, function(p) return p.id end },
      { "name", HXL.entries.name, function(p) return first_name(p.names) or (p.variants[1] or {}).name end },
      { "names", "#affected+name+variants", function(p)
         local all = {}
         for i, v in ipairs(p.variants) do all[i] = v.name end
         return joined(all)
      end },
      { "born", HXL.entries.born, function(p) return p.born or p.born_decade end },
      { "sex", HXL.entries.sex, function(p) return p.sex end },
      { "category", HXL.entries.category, function(p) return p.category end },
      { "rank", HXL.entries.rank, function(p) return p.rank end },
      { "lists", "#x_lists", function(p)
         local lists, seen = {}, {}
         for _, v in ipairs(p.variants) do
            if v.list and not seen[v.list] then
               seen[v.list] = true
               lists[#lists + 1] = v.list
            end
         end
         return joined(lists)
      end },
   },
   claims = {
      { "id", HXL.claims.id, function(c) return c.id end },
      { "claimant", HXL.claims.claimant, function(c) return c.claimant end },
      { "source", HXL.claims.source, function(c) return c.source end },
      -- several sources in a column of their own, so the table imports again as the same claim
      { "sources", HXL.claims.sources, function(c) return joined(c.sources) end },
      { "as_of", HXL.claims.as_of, function(c) return c.as_of end },
      { "subject", HXL.claims.subject, function(c) return c.subject end },
      { "holder", HXL.claims.holder, function(c) return c.holder end },
      { "about", HXL.claims.about, function(c) return c.about end },
      { "region", HXL.claims.region, function(c) return c.region end },
      { "exchange", HXL.claims.exchange, function(c) return c.exchange end },
      { "from", HXL.claims.from, function(c) return c.from end },
      { "to", HXL.claims.to, function(c) return c.to end },
      { "exact", HXL.claims["count.exact"], function(c) return c.count and c.count.exact end },
      { "best", HXL.claims["count.best"], function(c) return c.count and c.count.best end },
      { "low", HXL.claims["count.low"], function(c) return c.count and c.count.low end },
      { "high", HXL.claims["count.high"], function(c) return c.count and c.count.high end },
      { "approx", HXL.claims["count.approx"], function(c) return c.count and c.count.approx end },
      { "part_of", HXL.claims.part_of, function(c) return c.part_of end },
      { "value", HXL.claims.value, function(c) return c.value end },
      { "scope", HXL.claims.scope, function(c) return joined(c.scope) end },
      { "text", HXL.claims.text, function(c) return c.text end },
   },
   exchanges = {
      { "exchange", "#meta+id", function(x) return x.id end },
      { "date", "#date", function(x) return x.date end },
      { "place", "#loc", function(x) return x.place end },
      { "mediators", "#org+mediator", function(x)
         if not x.mediators then return nil end
         -- a named mediator as "person, role (party)"
         local out = {}
         for i, m in ipairs(x.mediators) do
            out[i] = type(m) ~= "table" and m or ((m.person or m.party) .. (m.role and (", " .. m.role) or "") ..
               (m.person and m.party and (" (" .. m.party .. ")") or ""))
         end
         return joined(out)
      end },
      { "from", "#org+from", function(_, t) return t.from end },
      { "to", "#org+to", function(_, t) return t.to end },
      { "detainees", "#affected+detainees", function(_, t) return t.detainees and t.detainees.count end },
      { "remains", "#affected+remains", function(_, t) return t.remains and t.remains.count end },
      { "mine_maps", "#x_mine_maps", function(_, t) return t.mine_maps and #t.mine_maps end },
      { "mines", "#x_mines", function(_, t)
         if not t.mine_maps then return nil end
         local n = 0
         for _, m in ipairs(t.mine_maps) do n = n + (m.mines or 0) end
         return n
      end },
      -- by category: "soldiers=30; civilians=14" (the parts of the count, by size, then name)
      { "detainees_by_scope", "#x_detainees_by_scope", function(_, t)
         return t.detainees and by_scope(t.detainees)
      end },
      { "remains_by_scope", "#x_remains_by_scope", function(_, t) return t.remains and by_scope(t.remains) end },
      -- the regions of each map, a map of several as "Fuzuli + Zangilan", "; " between maps
      { "map_regions", "#x_map_regions", function(_, t)
         if not t.mine_maps then return nil end
         local out = {}
         for i, m in ipairs(t.mine_maps) do out[i] = m.regions and table.concat(m.regions, " + ") or m.region end
         return joined(out)
      end },
   },
}

export.CSV_KINDS = { "persons", "claims", "exchanges" }

-- The store's persons, claims or exchanges (one row per transfer) as CSV text: a row of
-- names, a row of HXL hashtags, then the records, with CRLF line ends. nil and a message
-- for another kind. opts.share, opts.share_key: a sharing policy applied to every record.
function export.csv(db, kind, opts)
   opts = opts or {}
   local sharer, serr = sharer_of(db, opts)
   if sharer == false then return nil, serr end
   local columns = export.COLUMNS[kind]
   if not columns then
      return nil, string.format("--kind takes one of %s, not '%s'", table.concat(export.CSV_KINDS, ", "),
         tostring(kind))
   end
   local names, tags = {}, {}
   for i, c in ipairs(columns) do names[i], tags[i] = c[1], c[2] end
   local lines = { table.concat(names, ","), table.concat(tags, ",") }
   local function add(...)
      local row = {}
      for i, c in ipairs(columns) do row[i] = field(c[3](...)) end
      lines[#lines + 1] = table.concat(row, ",")
   end
   for r in db[kind](db) do
      if kind == "persons" and r.listed_only then
         -- a person known only from a list: what the list says of them
         local e = db:first("SELECT born, born_year, sex, category, rank FROM entries WHERE person = ? " ..
            "ORDER BY id LIMIT 1", r.id) or {}
         r.born, r.sex, r.category, r.rank = e.born or e.born_year, e.sex, e.category, e.rank
      end
      if sharer then r = sharer:record(kind, r) end -- nil: a sensitive person the policy withholds
      if r and kind == "exchanges" then
         for _, t in ipairs(r.transfers) do add(r, t) end
      elseif r then
         add(r)
      end
   end
   return table.concat(lines, "\r\n") .. "\r\n"
end

return export
