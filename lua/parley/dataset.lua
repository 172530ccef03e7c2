-- Validation of datasets (docs/dataset.md): every problem in a batch of documents is found in
-- one pass and reported with its key path (claims[3].holder) and, when the document came from
-- a file, its file:line:col. Valid records come out normalised, ready for the store.

local json = require "parley.json"
local text = require "parley.text"

local dataset = {}

dataset.KINDS = { "parties", "sources", "persons", "claims", "lists", "exchanges" }
local SINGULAR = {
   parties = "party", sources = "source", persons = "person", claims = "claim", lists = "list",
   exchanges = "exchange",
}

local check = require "parley.check"

local is_absent, is_map, is_array, describe = check.is_absent, check.is_map, check.is_array, check.describe
local at, index_path = check.at, check.index_path
local id_checker, string_checker, token_checker = check.id, check.string, check.token
local enum_checker, integer_checker, boolean_checker = check.enum, check.integer, check.boolean
local date_checker, ref_checker, list_checker = check.date, check.ref, check.list
local mapping_checker, check_fields, spec = check.mapping, check.fields, check.spec

---------------------------------------------------------------------------- specs

local COUNT = spec({
   { "exact", integer_checker(0) }, { "best", integer_checker(0) }, { "low", integer_checker(0) },
   { "high", integer_checker(0) }, { "approx", boolean_checker },
}, function(ctx, c, _, where)
   if c.exact then
      if c.best or c.low or c.high or c.approx ~= nil then
         ctx:problem(where, "a count is either {exact: N} or best/low/high with approx, not both")
         return false
      end
      return true
   end
   if not (c.best or c.low or c.high) then
      ctx:problem(where, "a count needs exact, or at least one of best, low and high")
      return false
   end
   if c.low and c.high and c.low > c.high then
      ctx:problem(where, string.format("count low %d is above high %d", c.low, c.high))
      return false
   end
   if c.best and ((c.low and c.best < c.low) or (c.high and c.best > c.high)) then
      ctx:problem(where, string.format("count best %d lies outside low..high", c.best))
      return false
   end
   return true
end)

local function scalar_checker(ctx, v, where)
   local t = type(v)
   if t == "boolean" or t == "number" or t == "string" then return v end
   ctx:problem(where, "expected a value (true, false, a number or a string), got " .. describe(v))
   return nil
end

local NAME = function(ctx, v, where)
   if type(v) == "string" then
      if v:find("^%s*$") then
         ctx:problem(where, "a name cannot be empty")
         return nil
      end
      return v
   end
   return check_fields(ctx, v, where, spec({
      { "name", string_checker, required = true }, { "written_by", ref_checker("parties") },
   }))
end

local BORN = function(ctx, v, where)
   if math.type(v) == "integer" then return integer_checker(1850, 2100)(ctx, v, where) end
   return date_checker(ctx, v, where)
end

-- Fields that describe a person, on a person record and on each list or transfer entry.
local PERSON_FIELDS = {
   { "born", BORN }, { "sex", enum_checker({ "female", "male" }) }, { "category", token_checker },
   { "rank", string_checker }, { "father_name", string_checker }, { "notes", string_checker },
}

local function with(fields, more)
   local out = {}
   for _, f in ipairs(more) do out[#out + 1] = f end
   for _, f in ipairs(fields) do out[#out + 1] = f end
   return out
end

local ENTRY = spec(with(PERSON_FIELDS, { { "person", ref_checker("persons") }, { "name", string_checker } }),
   function(ctx, e, _, where)
      if not e.person and not e.name then
         ctx:problem(where, "an entry needs a name, or person: the id of a person record")
         return false
      end
   end)

local PEOPLE = spec({
   { "count", integer_checker(0), required = true }, { "persons", list_checker(mapping_checker(ENTRY)) },
}, function(ctx, c, _, where)
   if c.persons and #c.persons > c.count then
      ctx:problem(where, string.format("names %d persons but count is %d", #c.persons, c.count))
      return false
   end
end)

local MINE_MAP = spec({
   { "region", token_checker, required = true }, { "mines", integer_checker(0) },
   { "types", list_checker(token_checker) }, { "reference_points", list_checker(string_checker) },
   { "perimeter", string_checker }, { "emplacing_method", string_checker }, { "fuze", string_checker },
   { "lifetime", string_checker }, { "date_laid", date_checker },
   { "anti_handling", function(ctx, v, where)
      if type(v) == "boolean" or type(v) == "string" then return v end
      ctx:problem(where, "expected true, false or a description, got " .. describe(v))
   end },
   { "notes", string_checker },
})

local TRANSFER = spec({
   { "from", ref_checker("parties"), required = true }, { "to", ref_checker("parties"), required = true },
   { "detainees", mapping_checker(PEOPLE) }, { "remains", mapping_checker(PEOPLE) },
   { "mine_maps", list_checker(mapping_checker(MINE_MAP)) }, { "notes", string_checker },
}, function(ctx, t, _, where)
   if not (t.detainees or t.remains or t.mine_maps) then
      ctx:problem(where, "a transfer needs detainees, remains or mine_maps")
      return false
   end
   if t.from == t.to then
      ctx:problem(where, "a transfer goes from one party to another, not to itself (" .. t.from .. ")")
      return false
   end
end)

local SPECS = {
   parties = spec({
      { "id", id_checker, required = true }, { "name", string_checker, required = true },
      { "kind", enum_checker({ "state", "de_facto", "organisation", "group", "person", "other" }) },
      { "notes", string_checker },
   }),
   sources = spec({
      { "id", id_checker, required = true }, { "title", string_checker, required = true },
      { "party", ref_checker("parties") }, { "speaker", string_checker }, { "published", date_checker },
      { "url", string_checker }, { "reliability", enum_checker({ "A", "B", "C", "D", "E", "F" }) },
      { "credibility", integer_checker(1, 6) }, { "supersedes", ref_checker("sources") },
      { "notes", string_checker },
   }),
   persons = spec(with(PERSON_FIELDS, {
      { "id", id_checker, required = true }, { "names", list_checker(NAME), required = true },
   })),
   claims = spec({
      { "id", id_checker, required = true }, { "claimant", ref_checker("parties"), required = true },
      { "source", ref_checker("sources"), required = true }, { "as_of", date_checker, required = true },
      { "subject", token_checker, required = true }, { "holder", ref_checker("parties") },
      { "about", ref_checker("parties") }, { "region", token_checker }, { "count", mapping_checker(COUNT) },
      { "value", scalar_checker }, { "scope", list_checker(token_checker) }, { "text", string_checker },
      { "supersedes", ref_checker("claims") }, { "notes", string_checker },
   }, function(ctx, c, _, where)
      if (c.count == nil) == (c.value == nil) then
         ctx:problem(where, "a claim states either a count or a value (for an assertion), exactly one of them")
         return false
      end
   end),
   lists = spec({
      { "id", id_checker, required = true }, { "claimant", ref_checker("parties"), required = true },
      { "source", ref_checker("sources") }, { "as_of", date_checker, required = true },
      { "subject", token_checker, required = true }, { "holder", ref_checker("parties") },
      { "about", ref_checker("parties") }, { "text", string_checker }, { "supersedes", ref_checker("lists") },
      { "notes", string_checker }, { "persons", list_checker(mapping_checker(ENTRY)), required = true },
   }),
   exchanges = spec({
      { "id", id_checker, required = true }, { "date", date_checker, required = true },
      { "place", string_checker }, { "mediators", list_checker(ref_checker("parties")) },
      { "sources", list_checker(ref_checker("sources")) }, { "text", string_checker },
      { "supersedes", ref_checker("exchanges") }, { "notes", string_checker },
      { "transfers", list_checker(mapping_checker(TRANSFER)), required = true },
   }),
}

local TOP = { "parley", "parties", "sources", "persons", "claims", "lists", "exchanges" }
dataset.FORMAT_VERSION = 1
-- The field specs (`order`, `fields[name].required`) of each kind, a list or transfer entry
-- and a count, for parley.tables, whose mappings give values to these fields.
dataset.SPECS, dataset.ENTRY, dataset.COUNT = SPECS, ENTRY, COUNT

---------------------------------------------------------------------------- the batch

-- The form of a record the store keeps and gives back: dates as written, and nothing else
-- than what the user wrote. Its JSON is the record's identity for "same record" checks.
local function plain(v)
   if type(v) ~= "table" then return v end
   if v.precision and v.first and v.text then return v.text end
   local out = {}
   for k, x in pairs(v) do out[k] = plain(x) end
   return out
end
dataset.plain = plain

function dataset.digest(record)
   return require("parley.core").sha256(json.encode(plain(record)))
end

local function check_document(ctx, doc)
   local data = doc.data
   local where = { doc = doc, node = nil, key = nil, path = "" }
   if not is_map(data) then
      ctx:problem(where, "a dataset is a mapping with the keys " .. table.concat(TOP, ", ") .. ", got " ..
         describe(data))
      return
   end
   for k in pairs(data) do
      local known = false
      for _, t in ipairs(TOP) do known = known or t == k end
      if not known then
         local hint = type(k) == "string" and text.did_you_mean(k, TOP) or ""
         local w = at(where, data, k, tostring(k))
         w.at_key = true
         ctx:problem(w, string.format("unknown key %s%s", type(k) == "string" and ("'" .. k .. "'") or describe(k),
            hint))
      end
   end
   if not is_absent(data.parley) and data.parley ~= dataset.FORMAT_VERSION then
      ctx:problem(at(where, data, "parley", "parley"),
         string.format("this parley reads dataset format %d, the file says %s", dataset.FORMAT_VERSION,
            describe(data.parley)))
   end
   for _, kind in ipairs(dataset.KINDS) do
      local list = data[kind]
      if not is_absent(list) then
         if not is_array(list) then
            ctx:problem(at(where, data, kind, kind), "expected a list of " .. kind .. ", got " .. describe(list))
         else
            for i, rec in ipairs(list) do
               local path = index_path(kind, i)
               local rid = is_map(rec) and type(rec.id) == "string" and rec.id or nil
               local w = { doc = doc, node = list, key = i, path = path,
                  record = rid and (SINGULAR[kind] .. " " .. rid) or nil }
               local r = check_fields(ctx, rec, w, SPECS[kind])
               if not r and rid and not ctx.ids[kind][rid] then
                  -- known to exist, so references to it do not add problems of their own
                  ctx.invalid[kind][rid] = true
               end
               if r then
                  local seen = ctx.ids[kind][r.id]
                  if seen then
                     if dataset.digest(seen.record) ~= dataset.digest(r) then
                        ctx:problem(at(w, rec, "id", path .. ".id"), string.format(
                           "%s id '%s' is used twice in this import with different content (first at %s)",
                           SINGULAR[kind], r.id, seen.path))
                     end
                  else
                     ctx.ids[kind][r.id] = { record = r, path = path, where = w }
                     local recs = ctx.records[kind]
                     recs[#recs + 1] = r
                     ctx.doc_of[r] = doc
                  end
               end
            end
         end
      end
   end
end

local function resolve_refs(ctx)
   local lookup = ctx.opts.exists
   for _, ref in ipairs(ctx.refs) do
      if not ctx.ids[ref.kind][ref.id] and not ctx.invalid[ref.kind][ref.id]
         and not (lookup and lookup(ref.kind, ref.id)) then
         local candidates = {}
         for id in pairs(ctx.ids[ref.kind]) do candidates[#candidates + 1] = id end
         if ctx.opts.all_ids then
            for _, id in ipairs(ctx.opts.all_ids(ref.kind)) do candidates[#candidates + 1] = id end
         end
         table.sort(candidates)
         ctx:problem(ref.where, string.format("unknown %s '%s'%s", SINGULAR[ref.kind], ref.id,
            text.did_you_mean(ref.id, candidates)))
      end
   end
end

-- Records already in the store: the same content is skipped, different content is refused.
local function check_against_store(ctx)
   local stored = ctx.opts.stored_digest
   ctx.skip = {}
   if not stored then return end
   for _, kind in ipairs(dataset.KINDS) do
      ctx.skip[kind] = {}
      for id, seen in pairs(ctx.ids[kind]) do
         local digest = stored(kind, id)
         if digest then
            if digest == dataset.digest(seen.record) then
               ctx.skip[kind][id] = true
            else
               ctx:problem(at(seen.where, seen.where.node[seen.where.key], "id", seen.path .. ".id"), string.format(
                  "%s '%s' is already in the store with different content: records are never changed; " ..
                  "add a new %s with supersedes: %s", SINGULAR[kind], id, SINGULAR[kind], id))
            end
         end
      end
   end
end

local function check_supersedes(ctx)
   for _, kind in ipairs(dataset.KINDS) do
      for id, seen in pairs(ctx.ids[kind]) do
         if seen.record.supersedes == id then
            ctx:problem(at(seen.where, seen.where.node[seen.where.key], "supersedes", seen.path .. ".supersedes"),
               string.format("%s '%s' cannot supersede itself", SINGULAR[kind], id))
         end
      end
   end
end

-- Validates documents {data=, name=, marks=} as one batch. opts: exists(kind, id),
-- all_ids(kind), stored_digest(kind, id) consult the store. Returns the batch (records by
-- kind, in document order, and skip[kind][id] for records the store has already), and the
-- problems found (an empty list when there are none). doc_of[record] is its document.
function dataset.validate(docs, opts)
   local ctx = check.new_context(opts, {
      ids = {},       -- kind -> id -> record
      records = {},   -- kind -> array of normalised records
      doc_of = {},    -- record -> the document it came from
      invalid = {},   -- kind -> id -> true for records with problems of their own
   })
   for _, kind in ipairs(dataset.KINDS) do
      ctx.ids[kind] = {}
      ctx.records[kind] = {}
      ctx.invalid[kind] = {}
   end
   for i, doc in ipairs(docs) do
      doc.index = i
      check_document(ctx, doc)
   end
   resolve_refs(ctx)
   check_supersedes(ctx)
   check_against_store(ctx)
   return { records = ctx.records, skip = ctx.skip or {}, doc_of = ctx.doc_of }, ctx.problems
end

---------------------------------------------------------------------------- messages

dataset.format_problem = check.format_problem
dataset.format_problems = check.format_problems

return dataset
