-- SPDX-License-Identifier: MIT
-- Validation of datasets (docs/dataset.md): every problem in a batch of documents is found in
-- one pass and reported with its key path (claims[3].holder) and, when the document came from
-- a file, its file:line:col. Valid records come out normalised, ready for the store.

local check = require "parley.check"
local yaml = require "parley.yaml"
local core = require "parley.core"
local json = require "parley.json"
local dates = require "parley.dates"
local record_schema = require "parley.record_schema"
local terms = require "parley.terms"
local text = require "parley.text"
local vocab = require "parley.vocab"

local dataset = {}

-- "claim" for claims: the word messages use for one record of a kind.
local SINGULAR = {}
for kind, t in pairs(record_schema.kinds) do SINGULAR[kind] = t.singular end

---------------------------------------------------------------------------- specs
-- The fields of each kind are described in parley.record_schema; here are the checkers of
-- its own that the description names, and the whole-record checks (`after`).

local CHECKERS = {}

function CHECKERS.scalar(ctx, v, where)
   local t = type(v)
   if t == "boolean" or t == "number" or t == "string" then return v end
   ctx:problem(where, "expected a value (true, false, a number or a string), got " .. check.describe(v))
   return nil
end

local NAME_SPEC = check.spec({
   { "name", check.string, required = true }, { "written_by", check.ref("parties") },
})

function CHECKERS.name(ctx, v, where)
   if type(v) == "string" then
      if v:find("^%s*$") then
         ctx:problem(where, "a name cannot be empty")
         return nil
      end
      return v
   end
   return check.fields(ctx, v, where, NAME_SPEC)
end

local BORN_YEAR = check.integer(1850, 2100)

function CHECKERS.born(ctx, v, where)
   if math.type(v) == "integer" then return BORN_YEAR(ctx, v, where) end
   return check.date(ctx, v, where)
end

function CHECKERS.anti_handling(ctx, v, where)
   if type(v) == "boolean" or type(v) == "string" then return v end
   ctx:problem(where, "expected true, false or a description, got " .. check.describe(v))
end

-- An entry named by a reviewer's decision: `LIST_ID#N` (the Nth person of a list),
-- `EXCHANGE_ID/transfers[T].CARGO#N` (the Nth person of a transfer's detainees or remains), or
-- a person record's id. The record it is in must exist (resolved with the other references);
-- that it has an Nth person is checked after the batch (check_entry_positions).
local function entry_ref(ctx, v, where)
   if type(v) ~= "string" or v == "" or v:find("%s") then
      ctx:problem(where, "expected an entry: LIST_ID#N, EXCHANGE_ID/transfers[T].detainees#N or a person id, got " ..
         check.describe(v))
      return nil
   end
   local list, n = v:match("^([^#/]+)#(%d+)$")
   local exchange, t, cargo, m = v:match("^([^#/]+)/transfers%[(%d+)%]%.(%a+)#(%d+)$")
   if list then
      ctx.refs[#ctx.refs + 1] = { kind = "lists", id = list, where = where }
      ctx.entry_refs[#ctx.entry_refs + 1] = { list = list, n = tonumber(n), where = where, ref = v }
   elseif exchange then
      if cargo ~= "detainees" and cargo ~= "remains" then
         ctx:problem(where, string.format("an entry of a transfer is of its detainees or remains, not '%s'", cargo))
         return nil
      end
      ctx.refs[#ctx.refs + 1] = { kind = "exchanges", id = exchange, where = where }
      ctx.entry_refs[#ctx.entry_refs + 1] = { exchange = exchange, t = tonumber(t), cargo = cargo, n = tonumber(m),
         where = where, ref = v }
   elseif v:find("[#/]") then
      ctx:problem(where, string.format("'%s' is not an entry: write LIST_ID#N, EXCHANGE_ID/transfers[T].detainees#N " ..
         "or a person id", v))
      return nil
   else
      ctx.refs[#ctx.refs + 1] = { kind = "persons", id = v, where = where }
   end
   return v
end

function CHECKERS.entry_refs(ctx, v, where)
   local refs = check.list(entry_ref)(ctx, v, where)
   if not refs then return nil end
   local seen, distinct = {}, 0
   for _, r in ipairs(refs) do
      if not seen[r] then distinct = distinct + 1 end
      seen[r] = true
   end
   if distinct < 2 then
      ctx:problem(where, "a decision names at least two different entries")
      return nil
   end
   return refs
end

-- The count of a transfer by category: scope tags of the vocabulary to counts
-- (`{soldiers: 30, civilians: 14}`); that the parts do not exceed the count is AFTER.people's.
local SCOPE_COUNT = check.integer(0)

function CHECKERS.by_scope(ctx, v, where)
   if not check.is_map(v) or next(v) == nil then
      ctx:problem(where, "expected a mapping of scope tags to counts ({soldiers: 30, civilians: 14}), got " ..
         check.describe(v))
      return nil
   end
   return check.token_keyed(ctx, v, where, SCOPE_COUNT)
end

-- A mediator: a party id, or a named person {party, person, role} (party or person, or both).
local MEDIATOR = check.spec({
   { "party", check.ref("parties") }, { "person", check.string }, { "role", check.string },
}, function(ctx, m, _, where)
   if not m.party and not m.person then
      ctx:problem(where, "a mediator needs party: a party id, or person: a name (with role: what they were)")
      return false
   end
end)

local function mediator(ctx, v, where)
   if type(v) == "string" then return check.ref("parties")(ctx, v, where) end
   if check.is_map(v) then return check.fields(ctx, v, where, MEDIATOR) end
   ctx:problem(where, "expected a party id or {party, person, role}, got " .. check.describe(v))
end
CHECKERS.mediators = check.list(mediator)

local AFTER = {}

-- One of the two keys a record may give a value in, or its list of several: exactly one,
-- and a list of distinct items. Returns false (and says why) when the record gives both.
local function one_or_list(ctx, r, raw, where, one, list, required)
   if r[one] ~= nil and r[list] ~= nil then
      ctx:problem(where, string.format("give either %s: or %s: [...], not both", one, list))
      return false
   end
   if required and r[one] == nil and r[list] == nil then
      ctx:problem(where, string.format("missing required key '%s' (or %s: [...])", one, list))
      return false
   end
   local items = r[list]
   if items then
      if #items == 0 then
         ctx:problem(check.at(where, raw, list, check.key_path(where.path, list)),
            string.format("%s: needs at least one item", list))
         return false
      end
      local seen = {}
      for i, x in ipairs(items) do
         if seen[x] then
            ctx:problem(check.at(where, raw[list], i, check.index_path(check.key_path(where.path, list), i)),
               string.format("'%s' is named twice in %s", x, list))
            return false
         end
         seen[x] = true
      end
   end
   return true
end

function AFTER.source(ctx, s, raw, where)
   if s.via and s.via == s.id then
      ctx:problem(check.at(where, raw, "via", check.key_path(where.path, "via")),
         string.format("source '%s' cannot relay itself", s.id))
      return false
   end
end

function AFTER.list(ctx, l, raw, where)
   return one_or_list(ctx, l, raw, where, "source", "sources", false)
end

function AFTER.mine_map(ctx, m, raw, where)
   return one_or_list(ctx, m, raw, where, "region", "regions", true)
end

-- A decision says same or different, one of them; without an id it gets one made from what
-- it decides and when: same:A+B@2026-11-30 (entries sorted), which is the same every time the
-- same decision is imported.
function AFTER.identity(ctx, d, _, where)
   if (d.same == nil) == (d.different == nil) then
      ctx:problem(where, "a decision says either same: [entries] or different: [entries], exactly one of them")
      return false
   end
   if d.id == nil then
      local refs = {}
      for i, r in ipairs(d.same or d.different) do refs[i] = r end
      table.sort(refs)
      d.id = string.format("%s:%s@%s", d.same and "same" or "different", table.concat(refs, "+"),
         type(d.on) == "table" and d.on.text or tostring(d.on))
   end
   return true
end

function AFTER.count(ctx, c, _, where)
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
end

function AFTER.entry(ctx, e, _, where)
   if not e.person and not e.name then
      ctx:problem(where, "an entry needs a name, or person: the id of a person record")
      return false
   end
end

function AFTER.people(ctx, c, _, where)
   if c.persons and #c.persons > c.count then
      ctx:problem(where, string.format("names %d persons but count is %d", #c.persons, c.count))
      return false
   end
   if c.by_scope then
      local sum, parts = 0, {}
      for tag, n in pairs(c.by_scope) do
         sum = sum + n
         parts[#parts + 1] = tag .. " " .. n
      end
      table.sort(parts)
      if sum > c.count then
         ctx:problem(where, string.format("by_scope adds up to %d (%s), more than count %d", sum,
            table.concat(parts, ", "), c.count))
         return false
      end
   end
end

function AFTER.transfer(ctx, t, _, where)
   if not (t.detainees or t.remains or t.mine_maps) then
      ctx:problem(where, "a transfer needs detainees, remains or mine_maps")
      return false
   end
   if t.from == t.to then
      ctx:problem(where, "a transfer goes from one party to another, not to itself (" .. t.from .. ")")
      return false
   end
end

function AFTER.claim(ctx, c, raw, where)
   if (c.count == nil) == (c.value == nil) then
      ctx:problem(where, "a claim states either a count or a value (for an assertion), exactly one of them")
      return false
   end
   if not one_or_list(ctx, c, raw, where, "source", "sources", true) then return false end
   if (c.from or c.to) and not c.exchange then
      local key = c.from and "from" or "to"
      ctx:problem(check.at(where, raw, key, check.key_path(where.path, key)),
         "from: and to: say a direction in an exchange: give exchange: EXCHANGE_ID too (else holder: and about:)")
      return false
   end
   if c.from and c.from == c.to then
      ctx:problem(check.at(where, raw, "to", check.key_path(where.path, "to")),
         "an exchange's transfer goes from one party to another, not to itself (" .. c.from .. ")")
      return false
   end
end

-- Advice for a mapping written as a plain value, by the field's `hint`: what to write instead,
-- or nil when there is no likely reading.
local HINTS = {}

-- A count written as a number or as words: 60, "about 200", "38-120", "at least 100".
function HINTS.count(v)
   if math.type(v) == "integer" and v >= 0 then return string.format("write {exact: %d}", v) end
   if type(v) ~= "string" then return nil end
   local s = v:lower():gsub("^%s+", ""):gsub("%s+$", ""):gsub(",", ""):gsub("\u{2013}", "-") -- an en dash too
   local n = s:match("^(%d+)$")
   if n then return "write {exact: " .. n .. "}" end
   for _, approx in ipairs({ "^about (%d+)$", "^around (%d+)$", "^approximately (%d+)$", "^approx%.? (%d+)$",
      "^some (%d+)$", "^roughly (%d+)$", "^~ ?(%d+)$", "^c%.? ?(%d+)$", "^circa (%d+)$", "^(%d+)%?$" }) do
      n = s:match(approx)
      if n then return "write {best: " .. n .. ", approx: true}" end
   end
   n = s:match("^at least (%d+)$") or s:match("^more than (%d+)$") or s:match("^over (%d+)$") or s:match("^(%d+)%+$")
   if n then return "write {low: " .. n .. "}" end
   n = s:match("^at most (%d+)$") or s:match("^up to (%d+)$") or s:match("^fewer than (%d+)$")
      or s:match("^under (%d+)$")
   if n then return "write {high: " .. n .. "}" end
   local low, high = s:match("^(%d+) ?%- ?(%d+)$")
   if not low then low, high = s:match("^between (%d+) and (%d+)$") end
   if low then return string.format("write {low: %s, high: %s}", low, high) end
end

local spec_of

-- The checker a described field names.
local function checker(f)
   if f.ref then return check.ref(f.ref) end
   if f.rows and not f.check then
      local t = f.rows
      return check.list(t.item and checker(t.item) or check.mapping(spec_of(t)))
   end
   if f.fields then
      local mapping, hint = check.mapping(spec_of(f)), f.hint and HINTS[f.hint]
      if not hint then return mapping end
      return function(ctx, v, where)
         local advice = not check.is_map(v) and hint(v)
         if advice then
            ctx:problem(where, string.format("expected a mapping, got %s: %s", check.describe(v), advice))
            return nil
         end
         return mapping(ctx, v, where)
      end
   end
   local name = f.check
   if name == "integer" then return check.integer(f.min, f.max) end
   if name == "enum" then return check.enum(f.values) end
   if name == "list" then return check.list(f.of_ref and check.ref(f.of_ref) or CHECKERS[f.of] or check[f.of]) end
   return CHECKERS[name] or check[name] or error("no checker " .. tostring(name) .. " for field " .. f[1])
end

-- The field spec of a table (or of a mapping kept flat, such as a count).
function spec_of(t)
   local fields = {}
   for i, f in ipairs(t.fields) do
      fields[i] = { f[1], checker(f), required = f.required }
   end
   return check.spec(fields, t.after and AFTER[t.after])
end

local SPECS = {}
for _, kind in ipairs(vocab.RECORD_KINDS) do SPECS[kind] = spec_of(record_schema.kinds[kind]) end

-- The keys of a dataset document.
local TOP = { "parley", "vocabulary", "places" }
for _, kind in ipairs(vocab.RECORD_KINDS) do TOP[#TOP + 1] = kind end
local FORMAT_VERSION = 1

-- The field specs (`order`, `fields[name].required`) of each kind, of a list or transfer entry
-- and of a count, for parley.tables, whose mappings give values to these fields.
local function field_of(t, name)
   for _, f in ipairs(t.fields) do
      if f[1] == name then return f end
   end
end
dataset.SPECS = SPECS
dataset.ENTRY = spec_of(field_of(record_schema.kinds.lists, "persons").rows)
dataset.COUNT = spec_of(field_of(record_schema.kinds.claims, "count"))
dataset.FORMAT_VERSION = FORMAT_VERSION

---------------------------------------------------------------------------- the batch

-- The digest records.digest keeps, computed once per record of a batch: the SHA-256 of the
-- canonical JSON of the record in the form the store keeps and gives back (dates as written,
-- nothing else than what the user wrote), hashed in C as it is walked (core.json_sha256 with
-- plain; docs/dataset.md#record-digests has the canonical form). It is the record's identity
-- for "same record" checks.
local json_sha256 = core.json_sha256
local function digest(record)
   return json_sha256(record, true)
end

-- A record as its document wrote it, for placing what is said about it. A fast pass (a
-- document loaded with the marks of its records only) lets each valid record's tree go once
-- it is checked, so the batch does not hold two copies of every record. To say something at a
-- place within such a record, that record alone is loaded again with every mark (its lines of
-- the document's text); when it cannot be (written in a flow sequence, say), raising
-- NEEDS_MARKS has the batch validated again on the whole document loaded with every mark
-- (dataset.validate).
local NEEDS_MARKS = setmetatable({}, { __tostring = function() return "dataset: a record's tree is needed" end })

-- The byte at which each line of a text starts, once a document, lines counted as libyaml
-- counts them (its marks'): a line ends at \n, \r\n, a lone \r, NEL (U+0085), or the line
-- and paragraph separators (U+2028, U+2029).
local function line_starts(doc, s)
   local starts = doc.line_starts
   if not starts then
      starts = { 1 }
      local at = 1
      while true do
         local b = s:find("[\r\n\194\226]", at)
         if not b then break end
         local c, c2 = s:byte(b, b + 1)
         local len
         if c == 10 then
            len = 1
         elseif c == 13 then
            len = c2 == 10 and 2 or 1
         elseif c == 194 then
            len = c2 == 0x85 and 2 or nil
         elseif c2 == 0x80 then
            local c3 = s:byte(b + 2)
            len = (c3 == 0xA8 or c3 == 0xA9) and 3 or nil
         end
         at = b + (len or 1)
         if len then starts[#starts + 1] = at end
      end
      doc.line_starts = starts
   end
   return starts
end

-- Marks of a text loaded on its own, moved down by `lines` lines (a position table may be
-- both a table's own and its parent's value's: each is moved once).
local function shift_marks(marks, lines)
   local moved = {}
   local function move(p)
      if not moved[p] then
         moved[p] = true
         p.line = p.line + lines
      end
   end
   for _, m in pairs(marks) do
      move(m)
      for _, p in pairs(m.keys or {}) do move(p) end
      for _, p in pairs(m.values or {}) do move(p) end
   end
end

-- Item i of a document's list of records, loaded again on its own with every mark, at the
-- lines and columns of the document: the lines from its first to the line before the next
-- record (or the document's next key), the part of the first line before it ("  - ") made
-- spaces, so every column stays where it was. Nil when the document has no text to read
-- again, or the record shares a line with another, or does not load alone (an alias of an
-- anchor outside it) or not at its mark or not with the id it had (id: what it was written with).
local function reload_record(doc, list, i, id)
   local marks = doc.marks
   local lm = doc.text and marks and marks[list]
   local at = lm and lm.values and lm.values[i]
   if not at or not at.line or not at.column then return nil end
   local ends = lm.values[i + 1] and lm.values[i + 1].line
   if not ends then
      local root = marks[doc.data]
      for _, p in pairs(root and root.keys or {}) do
         if p.line > at.line and (not ends or p.line < ends) then ends = p.line end
      end
   end
   local s = doc.text()
   local starts = line_starts(doc, s)
   ends = ends or #starts + 1
   local first = starts[at.line]
   if ends <= at.line or not first then return nil end
   local lead = s:sub(first, first + at.column - 2)
   if #lead ~= at.column - 1 or lead:find("[^ %-]") then return nil end
   local stop = starts[ends] and starts[ends] - 1 or #s
   local ok, rec, rec_marks = pcall(yaml.load, string.rep(" ", at.column - 1) .. s:sub(first + #lead, stop),
      { name = doc.name, marks = true })
   if not ok or type(rec) ~= "table" or type(rec_marks) ~= "table" or not rec_marks[rec] then return nil end
   shift_marks(rec_marks, at.line - 1)
   if rec_marks[rec].line ~= at.line or rec_marks[rec].column ~= at.column or rec.id ~= id then return nil end
   for node, m in pairs(rec_marks) do marks[node] = m end
   return rec
end

local function raw_record(seen)
   local w = seen.where
   local raw = w.node[w.key]
   if raw == nil then
      raw = reload_record(w.doc, w.node, w.key, seen.record.id)
      if raw == nil then error(NEEDS_MARKS, 0) end
      w.node[w.key] = raw -- (and its marks are the document's: what is said within it is placed)
   end
   return raw
end

---------------------------------------------------------------------------- vocabulary
-- A document's `vocabulary:` adds subjects and scope tags to parley.terms' default (and to
-- what the store's imports added), or says `strict`: every subject and scope tag of its
-- records must then be in the vocabulary.

local TOKENS = check.list(check.token)
local SUBJECT_ENTRY = check.spec({ { "kind", check.enum({ "stock", "event" }) }, { "synonyms", TOKENS } })
local SCOPE_ENTRY = check.spec({ { "synonyms", TOKENS } })

-- A mapping of names to entries (an entry may be left empty: `civilians: {}` or `civilians:`).
local function entries(spec)
   return function(ctx, v, where)
      if not check.is_map(v) then
         ctx:problem(where, "expected a mapping of names to their entries, got " .. check.describe(v))
         return nil
      end
      return check.token_keyed(ctx, v, where, function(c, e, w)
         return check.fields(c, check.is_absent(e) and {} or e, w, spec)
      end)
   end
end

local VOCABULARY = check.spec({
   { "subjects", entries(SUBJECT_ENTRY) }, { "scopes", entries(SCOPE_ENTRY) }, { "strict", check.boolean },
})

local function sorted_keys(t)
   local out = {}
   for k in pairs(t or {}) do out[#out + 1] = k end
   table.sort(out)
   return out
end

-- Checks a document's vocabulary and adds it to the batch's (ctx.vocabulary); a term it would
-- give another meaning than the one the vocabulary has is refused (Vocabulary:clash).
local function check_vocabulary(ctx, doc)
   local data = doc.data
   if not check.is_map(data) or check.is_absent(data.vocabulary) then return end
   local where = check.at({ doc = doc, path = "" }, data, "vocabulary", "vocabulary")
   local v = data.vocabulary
   local out
   if v == "strict" then
      out = { strict = true }
   elseif check.is_map(v) then
      out = check.fields(ctx, v, where, VOCABULARY)
   else
      ctx:problem(where, "expected strict, or a mapping with subjects, scopes and strict, got " .. check.describe(v))
   end
   if not out then return end
   local clashed = false
   for _, section in ipairs({ "subjects", "scopes" }) do
      for _, name in ipairs(sorted_keys(out[section])) do
         local entry = out[section][name]
         local why = ctx.vocabulary:clash(section, name, entry)
         if why then
            clashed = true
            local node = v[section]
            local w = check.at(where, node, name, where.path .. "." .. section .. "." .. name)
            w.at_key = true
            ctx:problem(w, why)
         else
            -- entry by entry, so two entries of one document cannot clash unseen either
            ctx.vocabulary:add({ [section] = { [name] = entry } })
         end
      end
   end
   if not clashed then ctx.vocabulary_of[doc] = out end
end

---------------------------------------------------------------------------- places
-- A document's `places:` declares regions by the name comparisons use, with the variants
-- reporting spells them in (`Agdam: {variants: [Aghdam, Ağdam]}`): kept with the document's
-- vocabulary (the vocabularies table), so a region written in any variant compares as one.

local PLACE_ENTRY = check.spec({ { "variants", check.list(check.string) } })

local function check_places(ctx, doc)
   local data = doc.data
   if not check.is_map(data) or check.is_absent(data.places) then return end
   local where = check.at({ doc = doc, path = "" }, data, "places", "places")
   local out = entries(PLACE_ENTRY)(ctx, data.places, where)
   if not out then return end
   local ok = true
   for _, name in ipairs(sorted_keys(out)) do
      local why = ctx.vocabulary:place_clash(name, out[name])
      if why then
         ok = false
         local w = check.at(where, data.places, name, "places." .. name)
         w.at_key = true
         ctx:problem(w, why)
      else
         ctx.vocabulary:add({ places = { [name] = out[name] } })
      end
   end
   if ok then
      ctx.vocabulary_of[doc] = ctx.vocabulary_of[doc] or {}
      ctx.vocabulary_of[doc].places = out
   end
end

-- Each region a claim or a map names, with where it is written: (name, where).
-- Calls visit(name, where) for each region a claim or a mine map names that wanted(name) is
-- true of (the where is made only then: most regions have nothing to say).
local function each_region(ctx, wanted, visit)
   for _, c in ipairs(ctx.records.claims) do
      if c.region and wanted(c.region) then
         local seen = ctx.ids.claims[c.id]
         local raw = raw_record(seen)
         visit(c.region, check.at(seen.where, raw, "region", seen.path .. ".region"))
      end
   end
   for _, x in ipairs(ctx.records.exchanges) do
      local seen = ctx.ids.exchanges[x.id]
      for ti, t in ipairs(x.transfers or {}) do
         for mi, m in ipairs(t.mine_maps or {}) do
            local function mine_map()
               local raw = raw_record(seen)
               return raw.transfers[ti].mine_maps[mi],
                  string.format("%s.transfers[%d].mine_maps[%d]", seen.path, ti, mi)
            end
            if m.region and wanted(m.region) then
               local rawm, path = mine_map()
               visit(m.region, check.at(seen.where, rawm, "region", path .. ".region"))
            end
            for ri, r in ipairs(m.regions or {}) do
               if wanted(r) then
                  local rawm, path = mine_map()
                  visit(r, check.at(seen.where, rawm.regions, ri, string.format("%s.regions[%d]", path, ri)))
               end
            end
         end
      end
   end
end

-- A region no `places:` declares that differs from a declared one only in spelling: a
-- warning with the place it most likely is (it would otherwise never meet that place's claims).
local function check_regions(ctx)
   local v = ctx.vocabulary
   -- a region is written by many records: its suggestion is looked for once
   local near_of = {}
   local function near_place(name)
      local near = near_of[name]
      if near == nil then
         near = v:suggest_place(name) or false
         near_of[name] = near
      end
      return near
   end
   each_region(ctx, near_place, function(name, where)
      local near = near_place(name)
      if near then
         ctx:warning(where, string.format("region '%s' is not a declared place (did you mean '%s'?): add it to " ..
            "places: %s: variants if it is the same region", name, near, near))
      end
   end)
end

---------------------------------------------------------------------------- provenance

-- A source's via (and origin, when it names a source) leads to the statement it relays: no
-- chain of them comes back to where it started. Stored sources relay stored ones, so a cycle
-- runs through this batch's sources.
local function check_provenance(ctx)
   local sources = ctx.ids.sources
   local ids = {}
   for id, seen in pairs(sources) do
      if seen.record.via or seen.record.origin then ids[#ids + 1] = id end
   end
   table.sort(ids)
   local function next_of(r) return r.via or (r.origin and sources[r.origin] and r.origin) end
   for _, id in ipairs(ids) do
      local seen = sources[id]
      local key = seen.record.via and "via" or "origin"
      local at, chain = next_of(seen.record), { id }
      while at and sources[at] and at ~= id and #chain <= #ids do
         chain[#chain + 1] = at
         at = next_of(sources[at].record)
      end
      if at == id then
         ctx:problem(check.at(seen.where, raw_record(seen), key, seen.path .. "." .. key),
            string.format("via goes round in a circle (%s -> %s): a source cannot relay what relays it",
               table.concat(chain, " -> "), id))
      end
   end
end

-- Subjects and scope tags of claims and lists the vocabulary does not know: a warning with
-- the term it most likely means, or a problem when the document or the caller says strict.
local CARGOES = { "detainees", "remains" }

local function check_terms(ctx)
   local v = ctx.vocabulary
   -- a term the vocabulary does not know is often written in many records: its suggestion
   -- (an edit distance to every term) is looked for once
   local subject_near, scope_near = {}, {}
   local function near_subject(s)
      if subject_near[s] == nil then subject_near[s] = v:suggest_subject(s) or false end
      return subject_near[s] or nil
   end
   local function near_scope(s)
      if scope_near[s] == nil then scope_near[s] = v:suggest_scope(s) or false end
      return scope_near[s] or nil
   end
   -- and whether a term is known, once per term: most records have nothing to report
   local known_subject, known_scope = {}, {}
   local function is_known(memo, term, lookup)
      if term == nil then return lookup(v, term) and true or false end
      local known = memo[term]
      if known == nil then
         known = lookup(v, term) and true or false
         memo[term] = known
      end
      return known
   end
   local function all_known(r)
      if not is_known(known_subject, r.subject, v.subject) then return false end
      for _, tag in ipairs(r.scope or {}) do
         if not is_known(known_scope, tag, v.scope) then return false end
      end
      return true
   end
   for _, kind in ipairs({ "claims", "lists" }) do
      for _, r in ipairs(ctx.records[kind]) do
         if all_known(r) then goto next_record end
         local seen = ctx.ids[kind][r.id]
         local rec = raw_record(seen)
         local doc = seen.where.doc
         local strict = ctx.opts.strict or (ctx.vocabulary_of[doc] and ctx.vocabulary_of[doc].strict)
         local report = strict and ctx.problem or ctx.warning
         local suffix = strict and " (vocabulary: strict)" or ""
         if not v:subject(r.subject) then
            local near = near_subject(r.subject)
            report(ctx, check.at(seen.where, rec, "subject", seen.path .. ".subject"), string.format(
               "subject '%s' is not in the vocabulary%s: declare it under vocabulary: subjects if it is a subject " ..
               "of its own%s", r.subject, near and (" (did you mean '" .. near .. "'?)") or "", suffix))
         end
         for i, tag in ipairs(r.scope or {}) do
            if not v:scope(tag) then
               local near = near_scope(tag)
               -- a tag of a list split from one table cell has no position of its own: the cell's
               local marked = doc.marked ~= nil or doc.remarked or not (doc.marks and not doc.marks[rec.scope])
               local w = check.at(seen.where, marked and rec.scope or rec, marked and i or "scope",
                  check.index_path(seen.path .. ".scope", i))
               report(ctx, w,
                  string.format("scope tag '%s' is not in the vocabulary%s: declare it under vocabulary: scopes " ..
                     "if it is a tag of its own%s", tag, near and (" (did you mean '" .. near .. "'?)") or "", suffix))
            end
         end
         ::next_record::
      end
   end
   -- a transfer's count by category: its tags are scope tags, each category said once
   -- (most transfers give none: nothing is made for them)
   for _, x in ipairs(ctx.records.exchanges) do
      for ti, t in ipairs(x.transfers or {}) do
         for _, cargo in ipairs(CARGOES) do
            local by_scope = t[cargo] and t[cargo].by_scope
            if not by_scope then goto next_cargo end
            local seen = ctx.ids.exchanges[x.id]
            local doc_vocabulary = ctx.vocabulary_of[seen.where.doc]
            local strict = ctx.opts.strict or (doc_vocabulary and doc_vocabulary.strict)
            local report = strict and ctx.problem or ctx.warning
            local path = string.format("%s.transfers[%d].%s.by_scope", seen.path, ti, cargo)
            local tags, said = sorted_keys(by_scope), {}
            for _, tag in ipairs(tags) do
               local canonical = v:scope(tag)
               -- (placed only when there is something to say)
               local w = (not canonical or said[canonical])
                  and check.at(seen.where, raw_record(seen).transfers[ti][cargo].by_scope, tag, path .. "." .. tag)
               if w then w.at_key = true end
               if not canonical then
                  local near = v:suggest_scope(tag)
                  report(ctx, w, string.format("scope tag '%s' is not in the vocabulary%s: declare it under " ..
                     "vocabulary: scopes if it is a tag of its own", tag, near and (" (did you mean '" .. near ..
                     "'?)") or ""))
               elseif said[canonical] then
                  ctx:problem(w, string.format("by_scope counts %s twice ('%s' and '%s' are one scope tag)",
                     canonical, said[canonical], tag))
               end
               said[canonical or tag] = said[canonical or tag] or tag
            end
            ::next_cargo::
         end
      end
   end
end

-- A record as written, for telling two records with one id apart before they are valid.
local function raw_key(rec)
   local ok, encoded = pcall(json.encode, rec)
   return ok and encoded or {} -- unencodable: unlike any other
end

-- A record of the batch, by kind and id in ctx.ids: {record (normalised), where, digest}, and
-- its path, read from the where when asked.
local SEEN = { __index = function(seen, k) if k == "path" then return seen.where.path end end }

local function check_document(ctx, doc)
   local data = doc.data
   local where = { doc = doc, node = nil, key = nil, path = "" }
   if not check.is_map(data) then
      ctx:problem(where, "a dataset is a mapping with the keys " .. table.concat(TOP, ", ") .. ", got " ..
         check.describe(data))
      return
   end
   for k in pairs(data) do
      local known = false
      for _, t in ipairs(TOP) do known = known or t == k end
      if not known then
         local hint = type(k) == "string" and text.did_you_mean(k, TOP) or ""
         local w = check.at(where, data, k, tostring(k))
         w.at_key = true
         ctx:problem(w, string.format("unknown key %s%s",
            type(k) == "string" and ("'" .. k .. "'") or check.describe(k), hint))
      end
   end
   if not check.is_absent(data.parley) and data.parley ~= FORMAT_VERSION then
      ctx:problem(check.at(where, data, "parley", "parley"),
         string.format("this parley reads dataset format %d, the file says %s", FORMAT_VERSION,
            check.describe(data.parley)))
   end
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      local list = data[kind]
      if not check.is_absent(list) then
         if not check.is_array(list) then
            ctx:problem(check.at(where, data, kind, kind),
               "expected a list of " .. kind .. ", got " .. check.describe(list))
         else
            -- each record's position, where the store keeps it ({line, column, file}: a table's
            -- row has its file)
            local positions = doc.marks and doc.marks[list]
            local progress = ctx.opts.progress
            -- a fast pass lets each valid record's tree go once it is checked (raw_record)
            local fast = doc.marked ~= nil
            for i = 1, #list do
               local rec = list[i]
               ctx.checked = ctx.checked + 1
               if progress and ctx.checked % 500 == 0 then progress({ phase = "checking", records = ctx.checked }) end
               local rid = check.is_map(rec) and type(rec.id) == "string" and rec.id or nil
               local w = check.record_at(doc, list, i, kind, SINGULAR[kind], rid)
               local said = #ctx.refs + #ctx.entry_refs + #ctx.warnings
               local r = check.fields(ctx, rec, w, SPECS[kind])
               if rid then
                  -- an id used twice is said even when either record has problems of its own
                  -- (both valid: compared by digest below)
                  local first = ctx.first_seen[kind][rid]
                  if first == nil then
                     -- a valid first record is found again in ctx.ids, where it is about to go
                     ctx.first_seen[kind][rid] = r ~= nil or { path = w.path, rec = rec }
                  elseif not r or first ~= true then
                     local first_path, first_rec
                     if first == true then
                        local seen = ctx.ids[kind][rid]
                        first_path, first_rec = seen.path, raw_record(seen)
                     else
                        first_path, first_rec = first.path, first.rec
                     end
                     if raw_key(first_rec) ~= raw_key(rec) then
                        ctx:problem(check.at(w, rec, "id", w.path .. ".id"), string.format(
                           "%s id '%s' is used twice in this import with different content (first at %s)",
                           SINGULAR[kind], rid, first_path))
                     end
                  end
               end
               if not r and rid and not ctx.ids[kind][rid] then
                  -- known to exist, so references to it do not add problems of their own
                  ctx.invalid[kind][rid] = true
               end
               if r then
                  local d = digest(r)
                  local seen = ctx.ids[kind][r.id]
                  if seen then
                     if seen.digest ~= d then
                        ctx:problem(check.at(w, rec, "id", w.path .. ".id"), string.format(
                           "%s id '%s' is used twice in this import with different content (first at %s)",
                           SINGULAR[kind], r.id, seen.path))
                     end
                  else
                     ctx.ids[kind][r.id] = setmetatable({ record = r, where = w, digest = d }, SEEN)
                     local recs = ctx.records[kind]
                     local n = #recs + 1
                     recs[n] = r
                     ctx.docs[kind][n], ctx.digests[kind][n] = doc, d
                     local at = positions and positions.values and positions.values[i]
                     if at then
                        ctx.lines[kind][n], ctx.columns[kind][n] = at.line, at.column
                        if at.file then ctx.files[kind][n] = at.file end
                     end
                  end
                  -- (kept when it names what the batch checks later, or has a warning: what is
                  -- then said is placed within this tree)
                  if fast and #ctx.refs + #ctx.entry_refs + #ctx.warnings == said then list[i] = nil end
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
   local any = ctx.opts.stores_any
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      ctx.skip[kind] = {}
      -- (a store with no record of the kind has nothing to compare: not one lookup a record)
      for id, seen in pairs((any == nil or any(kind)) and ctx.ids[kind] or {}) do
         local d = stored(kind, id)
         if d then
            if d == seen.digest then
               ctx.skip[kind][id] = true
            else
               ctx:problem(check.at(seen.where, raw_record(seen), "id", seen.path .. ".id"),
                  string.format("%s '%s' is already in the store with different content: records are never " ..
                     "changed; add a new %s with supersedes: %s", SINGULAR[kind], id, SINGULAR[kind], id))
            end
         end
      end
   end
end

-- Each entry a decision names exists: its list has an Nth person, its transfer such a cargo
-- with an Nth person (for records of this batch; a stored record's entries are checked
-- through opts.entry_count when the store gives it).
local function check_entry_positions(ctx)
   for _, e in ipairs(ctx.entry_refs) do
      local n, what
      if e.list then
         local seen = ctx.ids.lists[e.list]
         if seen then
            n, what = #(seen.record.persons or {}), "list " .. e.list
         elseif ctx.opts.entry_count then
            n, what = ctx.opts.entry_count(e.list), "list " .. e.list
         end
      else
         local seen = ctx.ids.exchanges[e.exchange]
         local what_t = string.format("transfer %d of exchange %s", e.t, e.exchange)
         if seen then
            local t = (seen.record.transfers or {})[e.t]
            local cargo = t and t[e.cargo]
            n, what = cargo and #(cargo.persons or {}) or 0, what_t .. "'s " .. e.cargo
         elseif ctx.opts.entry_count then
            n, what = ctx.opts.entry_count(e.exchange, e.t, e.cargo), what_t .. "'s " .. e.cargo
         end
      end
      if n and e.n > n then
         ctx:problem(e.where, string.format("%s names %d person%s: there is no entry %s", what, n,
            n == 1 and "" or "s", e.ref))
      elseif n and e.n < 1 then
         ctx:problem(e.where, "entries are numbered from 1: there is no entry " .. e.ref)
      end
   end
end

-- Two decisions of the batch about one pair of entries that disagree (one says same, the
-- other different) are refused, naming both, unless one supersedes the other.
local function check_decisions(ctx)
   local by_pair = {}
   local decisions = ctx.records.identities or {}
   for _, d in ipairs(decisions) do
      local refs = d.same or d.different
      for i = 1, #refs do
         for j = i + 1, #refs do
            local a, b = refs[i], refs[j]
            if a ~= b then
               if a > b then a, b = b, a end
               local key = a .. "\0" .. b
               local list = by_pair[key] or {}
               by_pair[key] = list
               list[#list + 1] = d
            end
         end
      end
   end
   local reported = {}
   for key, list in pairs(by_pair) do
      for i = 1, #list do
         for j = i + 1, #list do
            local x, y = list[i], list[j]
            if (x.same == nil) ~= (y.same == nil) and x.supersedes ~= y.id and y.supersedes ~= x.id then
               local id = x.id < y.id and (x.id .. "\0" .. y.id) or (y.id .. "\0" .. x.id)
               if not reported[id] then
                  reported[id] = true
                  local a, b = key:match("^(.-)%z(.*)$")
                  local seen = ctx.ids.identities[y.id]
                  ctx:problem(seen.where, string.format("decision %s says %s and %s are %s, decision %s says " ..
                     "they are %s: give the later one supersedes: with the other's id", y.id, a, b,
                     y.same and "one person" or "different people", x.id,
                     x.same and "one person" or "different people"))
               end
            end
         end
      end
   end
end

local function check_supersedes(ctx)
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      for id, seen in pairs(ctx.ids[kind]) do
         if seen.record.supersedes == id then
            ctx:problem(check.at(seen.where, raw_record(seen), "supersedes",
               seen.path .. ".supersedes"), string.format("%s '%s' cannot supersede itself", SINGULAR[kind], id))
         end
      end
   end
end

---------------------------------------------------------------------------- breakdowns

local function same_set_or_subset(part, whole)
   local set = {}
   for _, t in ipairs(whole) do set[t] = true end
   for _, t in ipairs(part) do
      if not set[t] then return false, t end
   end
   return true
end

local function named(v) return v and ("'" .. v .. "'") or "none" end

-- Why a claim cannot be part of the claim its part_of names, or nil: a breakdown is one
-- statement of one claimant, so both must say the same claimant, subject (canonically),
-- holder and about, with as-of dates that can be the same day, both counts, and the part's
-- scope within the total's where both give one.
local function part_problem(v, part, whole)
   local id = whole.id
   if part.count == nil or whole.count == nil then
      return string.format("part_of names claim '%s', but a breakdown is of counts and %s", id,
         part.count == nil and "this claim states a value" or "that claim states a value")
   end
   for _, key in ipairs({ "claimant", "holder", "about" }) do
      if part[key] ~= whole[key] then
         return string.format("part_of names claim '%s', whose %s is %s, but this claim's is %s: a breakdown " ..
            "says the same %s as its total", id, key, named(whole[key]), named(part[key]), key)
      end
   end
   local ps, ws = v:canonical_subject(part.subject), v:canonical_subject(whole.subject)
   if ps ~= ws then
      return string.format("part_of names claim '%s', whose subject is '%s', but this claim's is '%s'", id, ws, ps)
   end
   local pd, wd = part.as_of, whole.as_of
   if type(pd) ~= "table" then pd = dates.parse(pd) end
   if type(wd) ~= "table" then wd = dates.parse(wd) end
   if pd and wd and not dates.overlap(pd, wd) then
      return string.format("part_of names claim '%s', as of %s, but this claim is as of %s: a breakdown is of " ..
         "the same date", id, wd.text, pd.text)
   end
   local pscope, wscope = v:canonical_scope(part.scope), v:canonical_scope(whole.scope)
   if pscope and wscope then
      local ok, outside = same_set_or_subset(pscope, wscope)
      if not ok then
         return string.format("part_of names claim '%s', whose scope (%s) does not include '%s' of this claim's " ..
            "scope: a part's scope lies within its total's", id, table.concat(wscope, ", "), outside)
      end
   end
end

-- part_of: the claim it names is a total this claim is a part of (part_problem), and no
-- chain of part_of comes back to where it started. Stored claims name stored claims only, so
-- a cycle runs through this batch's claims.
local function check_parts(ctx)
   local claims = ctx.ids.claims
   local ids = {}
   for id, seen in pairs(claims) do
      if seen.record.part_of then ids[#ids + 1] = id end
   end
   table.sort(ids)
   local lookup = ctx.opts.record
   for _, id in ipairs(ids) do
      local seen = claims[id]
      local part = seen.record
      local placed
      local function where() -- made only when there is something to say
         placed = placed or check.at(seen.where, raw_record(seen), "part_of", seen.path .. ".part_of")
         return placed
      end
      if part.part_of == id then
         ctx:problem(where(), string.format("claim '%s' cannot be a part of itself", id))
      else
         local whole = claims[part.part_of] and claims[part.part_of].record
            or (lookup and lookup("claims", part.part_of))
         local why = whole and part_problem(ctx.vocabulary, part, whole)
         if why then ctx:problem(where(), why) end
         -- a cycle: following part_of from this claim comes back to it
         local at, steps, chain = part.part_of, 0, { id }
         while at and claims[at] and at ~= id and steps <= #ids do
            chain[#chain + 1] = at
            at = claims[at].record.part_of
            steps = steps + 1
         end
         if at == id and #chain > 1 then
            ctx:problem(where(), string.format("part_of goes round in a circle (%s -> %s): a total is not a part of " ..
               "its own parts", table.concat(chain, " -> "), id))
         end
      end
   end
end

-- Validates documents {data=, name=, marks=} as one batch. opts: exists(kind, id),
-- all_ids(kind), stored_digest(kind, id), stores_any(kind), record(kind, id) and vocabularies()
-- consult the store; strict = true refuses terms the vocabulary does not know in every document;
-- progress({phase = "checking", records = N}) hears of every 500th record checked. Returns
-- the batch (records by kind, in document order, and skip[kind][id] for records the store has
-- already), and the problems found (an empty list when there are none). Beside records[kind][i]
-- (arrays by kind, not tables keyed by record: a batch of 100,000 records keeps them compactly),
-- docs[kind][i] is its document and digests[kind][i] its digest, the one records.digest keeps;
-- lines[kind][i], columns[kind][i] and files[kind][i] where it was written (files: a table's
-- rows'), from the document's marks, when it has them; vocabulary_of[doc]
-- a document's vocabulary, normalised; warnings what was accepted but must be said (a term
-- the vocabulary does not know), in the shape of problems.
-- Whether a reference to (kind, id) will resolve, known before any record is checked: the
-- batch declares a record of that kind and id (valid or not: a record with problems of its own
-- is known to exist, as resolve_refs takes it), or the store has one (asked once per id).
-- check.ref's fast form asks it, so that such references keep nothing for resolve_refs; the
-- ids the batch declares (kind -> id -> true) are also given as they are, for core.check_fast.
local function known_records(docs, exists)
   local declared, stored = {}, {}
   for _, kind in ipairs(vocab.RECORD_KINDS) do declared[kind], stored[kind] = {}, {} end
   for _, doc in ipairs(docs) do
      -- the records check_document walks, with the id it reads of each
      local data = doc.data
      if check.is_map(data) then
         for _, kind in ipairs(vocab.RECORD_KINDS) do
            local list, ids = data[kind], declared[kind]
            if not check.is_absent(list) and check.is_array(list) then
               for _, rec in ipairs(list) do
                  if check.is_map(rec) and type(rec.id) == "string" then ids[rec.id] = true end
               end
            end
         end
      end
   end
   return declared, function(kind, id)
      local ids = declared[kind]
      if not ids then return false end -- not a kind of record: resolve_refs says what it is
      if ids[id] then return true end
      if not exists then return false end
      local in_store = stored[kind][id]
      if in_store == nil then
         in_store = exists(kind, id) and true or false
         stored[kind][id] = in_store
      end
      return in_store
   end
end

local function validate_once(docs, opts)
   local ctx = check.new_context(opts, {
      ids = {},       -- kind -> id -> {record, path, where, digest}
      records = {},   -- kind -> array of normalised records, and beside each (arrays of kind, by
      docs = {},      -- the record's index): the document it came from,
      digests = {},   -- its digest,
      lines = {},     -- where it was written: line and column (when the document has marks),
      columns = {},
      files = {},     -- and the file, when a table's row gives one
      invalid = {},   -- kind -> id -> true for records with problems of their own
      first_seen = {}, -- kind -> id -> the first record written with that id: true when it is valid
                       -- (then the one in ids), else {path, rec}
      vocabulary_of = {}, -- document -> its vocabulary, normalised
      warnings = {},  -- what is accepted but said (Context:warning)
      entry_refs = {}, -- entries that decisions name, checked once the batch is read
      checked = 0,    -- records checked so far, for opts.progress
   })
   for _, kind in ipairs(vocab.RECORD_KINDS) do
      ctx.ids[kind] = {}
      ctx.records[kind] = {}
      ctx.docs[kind], ctx.digests[kind], ctx.lines[kind], ctx.columns[kind], ctx.files[kind] = {}, {}, {}, {}, {}
      ctx.invalid[kind] = {}
      ctx.first_seen[kind] = {}
   end
   ctx.declared, ctx.known = known_records(docs, ctx.opts.exists)
   ctx.vocabulary = terms.vocabulary(table.unpack(ctx.opts.vocabularies and ctx.opts.vocabularies() or {}))
   for i, doc in ipairs(docs) do
      doc.index = i
      check_vocabulary(ctx, doc)
      check_places(ctx, doc)
   end
   for _, doc in ipairs(docs) do check_document(ctx, doc) end
   resolve_refs(ctx)
   check_entry_positions(ctx)
   check_decisions(ctx)
   check_supersedes(ctx)
   check_parts(ctx)
   check_provenance(ctx)
   check_terms(ctx)
   check_regions(ctx)
   check_against_store(ctx)
   return { records = ctx.records, skip = ctx.skip or {}, docs = ctx.docs, digests = ctx.digests, lines = ctx.lines,
      columns = ctx.columns, files = ctx.files, vocabulary_of = ctx.vocabulary_of, warnings = ctx.warnings },
      ctx.problems
end

-- Pairs each table of a document's old tree under old with the same table of the new tree
-- (the same text loaded again): map[old table] = new table.
local function pair_tables(old, new, map)
   if map[old] or type(new) ~= "table" then return end
   map[old] = new
   for k, v in pairs(old) do
      if type(v) == "table" then pair_tables(v, rawget(new, k), map) end
   end
end

-- The subtree of data that a problem's key path starts in: a record (claims[3]...), or a
-- top-level key's value; nil when the path names neither.
local function subtree_of(data, path)
   local kind, i = path:match("^([%w_]+)%[(%d+)%]")
   if kind and type(data[kind]) == "table" then return data[kind][tonumber(i)], kind end
   local top = path:match("^[^.%[]+")
   return top and data[top], nil
end

-- Loads each document that has `marked` again with every mark.
local function load_marked(docs)
   for _, doc in ipairs(docs) do
      if doc.marked then
         doc.data, doc.marks = doc.marked()
         doc.marked, doc.remarked = nil, true
      end
   end
end

-- Moves problems (and warnings) found in documents loaded with few marks onto the same
-- documents loaded again with all of them, so that each is placed at file:line:col: each
-- problem's node is the table of the new tree at the same place. False when a problem's node
-- cannot be found there (the batch must then be validated again on the new trees).
local function remark(docs, lists)
   local map, old_of = {}, {}
   for _, doc in ipairs(docs) do
      if doc.marked then old_of[doc] = doc.data end
   end
   load_marked(docs)
   for _, doc in ipairs(docs) do
      local old, data = old_of[doc], doc.data
      if old ~= nil then
         if type(old) == "table" then
            map[old] = data
            for k, v in pairs(old) do
               if type(v) == "table" and type(data[k]) == "table" then map[v] = data[k] end
            end
            for _, list in ipairs(lists) do
               for _, p in ipairs(list) do
                  if p.doc == doc and p.path and p.path ~= "" then
                     local sub, kind = subtree_of(old, p.path)
                     if type(sub) == "table" then
                        local new_sub = kind and data[kind] and data[kind][tonumber(p.path:match("%[(%d+)%]"))]
                           or data[p.path:match("^[^.%[]+")]
                        pair_tables(sub, new_sub, map)
                     end
                  end
               end
            end
         end
      end
   end
   for _, list in ipairs(lists) do
      for _, p in ipairs(list) do
         if p.node ~= nil and p.doc and p.doc.remarked then
            local new = map[p.node]
            if not new then return false end
            p.node = new
         end
      end
   end
   return true
end

-- Places problems (and warnings) within records of documents loaded with the marks of their
-- records only, each record with something to place loaded again alone (reload_record) and
-- paired with the tree the problem was found in. False when one cannot be placed so (then the
-- whole document is loaded again: remark).
local function place(lists)
   local reloaded = {} -- record tree as first loaded -> the pairing of its tables with the new one's
   for _, list in ipairs(lists) do
      for _, p in ipairs(list) do
         local doc = p.doc
         if p.node ~= nil and doc and doc.marked and doc.marks and not doc.marks[p.node] then
            local kind, i = (p.path or ""):match("^([%w_]+)%[(%d+)%]")
            local records = kind and type(doc.data) == "table" and doc.data[kind]
            local old = type(records) == "table" and records[tonumber(i)]
            if type(old) ~= "table" then return false end
            local map = reloaded[old]
            if not map then
               local new = reload_record(doc, records, tonumber(i), old.id)
               if not new then return false end
               map = {}
               pair_tables(old, new, map)
               reloaded[old] = map
            end
            if not map[p.node] then return false end
            p.node = map[p.node]
         end
      end
   end
   return true
end

-- A YAML document may come loaded with the marks of its records only (`marks`, the positions
-- the store keeps; marks of every table make a load several times slower and take most of the
-- loaded tree's memory) and with `marked`, a function that loads it again with all of them
-- (data, marks). Every other position is needed only to say where a problem or a warning is,
-- so such documents are loaded again with all marks only when there is one, and what was
-- found is moved onto the new trees (or, should that fail, the batch is validated again).
function dataset.validate(docs, opts)
   local ok, batch, problems = pcall(validate_once, docs, opts)
   if not ok then
      if batch ~= NEEDS_MARKS then error(batch, 0) end
      -- something is to be said within a record whose tree the fast pass let go
      load_marked(docs)
      return validate_once(docs, opts)
   end
   if #problems == 0 and #batch.warnings == 0 then return batch, problems end
   if place({ problems, batch.warnings }) then return batch, problems end
   local any = false
   for _, doc in ipairs(docs) do any = any or doc.marked ~= nil end
   if not any or remark(docs, { problems, batch.warnings }) then return batch, problems end
   return validate_once(docs, opts)
end

---------------------------------------------------------------------------- messages

dataset.format_problems = check.format_problems
dataset.format_list = check.format_list

return dataset
