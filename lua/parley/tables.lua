-- SPDX-License-Identifier: MIT
-- Tables in (docs/tables.md): a CSV, TSV or .xlsx file read through a YAML mapping (or an
-- HXL table by its hashtags) becomes one dataset document, the persons of one list or a set
-- of claims, that db:import validates and writes like any other. The mapping language is
-- constants, column references, templates and value maps; anything more is a Lua script
-- that builds a dataset table.
--
-- Every cell keeps where it came from: the document's marks give each value its file, row,
-- column and header, so the dataset's own problems read "FILE:ROW:COLUMN (header): field:
-- message". Problems of the table itself (encoding, ragged rows, a value missing from a value
-- map, a column the mapping names that the table lacks) are found in the same pass.

local core = require "parley.core"
local check = require "parley.check"
local dataset = require "parley.dataset"
local json = require "parley.json"
local text = require "parley.text"
local yaml = require "parley.yaml"

local tables = {}

tables.FORMAT_VERSION = 1
-- How the table writes its dates: ISO 8601 only, 13.12.2023 or 12/13/2023 (either also
-- accepts ISO dates).
tables.DATE_ORDERS = { "iso", "day-first", "month-first" }
-- The default delimiter of each kind of text table the reader knows, by extension.
tables.DELIMITERS = { csv = ",", tsv = "\t", tab = "\t" }
-- The spreadsheets it reads, by extension (core.read_xlsx: libzip and expat).
tables.SPREADSHEETS = { xlsx = true }

local is_map, describe = check.is_map, check.describe

-- Whether path names a table file (read through a mapping or its HXL tags) rather than a
-- YAML dataset.
function tables.is_table_path(path)
   local ext = type(path) == "string" and path:match("%.([%w]+)$")
   return ext ~= nil and (tables.DELIMITERS[ext:lower()] ~= nil or tables.SPREADSHEETS[ext:lower()] ~= nil)
end

---------------------------------------------------------------------------- cell values

-- Fields whose cells are whole numbers, and those that are dates, by dataset field.
local INTEGER_FIELDS = { ["count.exact"] = true, ["count.best"] = true, ["count.low"] = true,
   ["count.high"] = true }
local DATE_FIELDS = { as_of = true, born = true }
local LIST_FIELDS = { scope = true, sources = true }

-- s without blanks around it (most cells have none: the CSV reader trims unquoted fields).
local function trim(s)
   local first, last = s:byte(1), s:byte(-1)
   if first and (first <= 32 or last <= 32) then return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
   return s
end

-- A day-first or month-first date (13.12.2023, 12/13/2023, 12.2023) in ISO form; ISO dates
-- and anything else pass unchanged, for the dataset to judge.
local function iso_date(s, order)
   if order == "iso" or s:find("^%d%d%d%d") then return s end
   local a, b, y = s:match("^(%d%d?)[./-](%d%d?)[./-](%d%d%d%d)$")
   if a then
      local d, m = a, b
      if order == "month-first" then d, m = b, a end
      return string.format("%s-%02d-%02d", y, tonumber(m), tonumber(d))
   end
   local m, y2 = s:match("^(%d%d?)[./-](%d%d%d%d)$")
   if m then return string.format("%s-%02d", y2, tonumber(m)) end
   return s
end

local BOOLEANS = { ["true"] = true, yes = true, ["false"] = false, no = false }

-- A cell's text as the value the dataset field expects: integers for counts, a year or a
-- date for born, booleans for approx, a scalar for value. Text that is not what the field
-- wants stays text, so the dataset says what is wrong with it in its own words.
local function typed(field, s, opts)
   if INTEGER_FIELDS[field] or field == "born" then
      local n = s:match("^[+-]?%d+$") and math.tointeger(tonumber(s))
      if n and (field ~= "born" or #s == 4) then return n end
   end
   if DATE_FIELDS[field] then return iso_date(s, opts.dates) end
   if field == "count.approx" then
      local b = BOOLEANS[s:lower()]
      if b ~= nil then return b end
   end
   if field == "value" then
      local b = BOOLEANS[s:lower()]
      if b ~= nil then return b end
      if s:match("^[+-]?%d+$") then return math.tointeger(tonumber(s)) or s end
      if s:match("^[+-]?%d*%.%d+$") then return tonumber(s) end
   end
   return s
end

---------------------------------------------------------------------------- the mapping

-- Compiles one field of a row block into get(row) -> value, the column it came from, its
-- label. Problems of the mapping go to ctx at the mapping's position (where).
-- value forms: a column's header; "{a} {b}" a template; {column: C, values: {...},
-- default: V, split: S}; {template: T}; {value: V} or a number or boolean: a constant.
local function compile_field(ctx, field, v, where, columns)
   local function column_index(name, w)
      if math.type(name) == "integer" then
         if name >= 1 and name <= #columns.names then return name end
         ctx:problem(w, string.format("the table has no column %d (it has %d)", name, #columns.names))
         return nil
      end
      if type(name) ~= "string" then
         ctx:problem(w, "expected a column's header or number, got " .. describe(name))
         return nil
      end
      local i = columns.index[trim(name)]
      if i then return i end
      ctx:problem(w, string.format("unknown column '%s'%s; the table's columns are: %s", name,
         text.did_you_mean(name, columns.names), table.concat(columns.names, ", ")))
      return nil
   end

   local function template(t, w)
      local parts, cols, ok = {}, {}, true
      local pos = 1
      for before, name, after in t:gmatch("()%{([^}]*)%}()") do
         parts[#parts + 1] = t:sub(pos, before - 1)
         local i = column_index(name, w)
         ok = ok and i ~= nil
         parts[#parts + 1] = i or 0
         cols[#cols + 1] = i
         pos = after
      end
      parts[#parts + 1] = t:sub(pos)
      if not ok then return nil end
      local labels = {}
      for k, i in ipairs(cols) do labels[k] = columns.names[i] end
      local label = table.concat(labels, ", ")
      local out = {} -- reused row after row
      return function(row)
         local any, gap = false, false
         for k, p in ipairs(parts) do
            if type(p) == "number" then
               local cell = row[p] or ""
               if cell == "" then gap = true else any = true end
               out[k] = cell
            else
               out[k] = p
            end
         end
         if not any then return nil end
         local s = table.concat(out)
         if gap then s = trim((s:gsub("%s+", " "))) end
         return s, cols[1], label
      end
   end

   -- a list field's column ({column: C}) is split on ";" as its mapping form is
   if type(v) == "string" and LIST_FIELDS[field] and not v:find("{", 1, true) then v = { column = v } end
   if type(v) == "string" then
      if v:find("{", 1, true) then return template(v, where) end
      local i = column_index(v, where)
      if not i then return nil end
      return function(row)
         local cell = row[i]
         if cell == nil or cell == "" then return nil end
         return cell, i, columns.names[i]
      end
   end
   if type(v) == "number" or type(v) == "boolean" then
      return function() return v end
   end
   if not is_map(v) then
      ctx:problem(where, "expected a column's header, a template, {column: ...} or {value: ...}, got " ..
         describe(v))
      return nil
   end
   local keys = { "column", "values", "default", "split", "template", "value" }
   local bad = false
   for k in pairs(v) do
      local known = false
      for _, x in ipairs(keys) do known = known or x == k end
      if not known then
         local w = check.at(where, v, k, check.key_path(where.path, k))
         w.at_key = true
         ctx:problem(w, string.format("unknown key '%s'%s", tostring(k), text.did_you_mean(tostring(k), keys)))
         bad = true
      end
   end
   if bad then return nil end
   local sources = (v.column ~= nil and 1 or 0) + (v.template ~= nil and 1 or 0) + (v.value ~= nil and 1 or 0)
   if sources ~= 1 then
      ctx:problem(where, "a field is given by exactly one of column, template and value")
      return nil
   end
   if v.value ~= nil then
      local constant = v.value
      return function() return constant end
   end
   local get
   if v.template ~= nil then
      if type(v.template) ~= "string" then
         ctx:problem(check.at(where, v, "template", check.key_path(where.path, "template")),
            "expected a template such as \"{surname} {given}\", got " .. describe(v.template))
         return nil
      end
      get = template(v.template, check.at(where, v, "template", check.key_path(where.path, "template")))
   else
      local i = column_index(v.column, check.at(where, v, "column", check.key_path(where.path, "column")))
      if i then
         get = function(row)
            local cell = row[i]
            if cell == nil or cell == "" then return nil end
            return cell, i, columns.names[i]
         end
      end
   end
   if not get then return nil end
   local values, default = v.values, v.default
   if values ~= nil and not is_map(values) then
      ctx:problem(check.at(where, v, "values", check.key_path(where.path, "values")),
         "expected a mapping from the table's values to the dataset's, got " .. describe(values))
      return nil
   end
   local split = v.split
   if split ~= nil and (type(split) ~= "string" or split == "") then
      ctx:problem(check.at(where, v, "split", check.key_path(where.path, "split")),
         "expected the separator to split the cell on, such as \";\", got " .. describe(split))
      return nil
   end
   local known = {}
   if values then
      for k in pairs(values) do known[#known + 1] = tostring(k) end
      table.sort(known)
   end
   local function map_one(s, report, col, label)
      if not values then return s end
      local m = values[s]
      if m == nil then m = values[math.tointeger(tonumber(s)) or s] end
      if m ~= nil then return m end
      if default ~= nil then return default end
      report(col, label, string.format("%q is not in the mapping's values (%s)%s", s, table.concat(known, ", "),
         text.did_you_mean(s, known)))
      return nil
   end
   return function(row, report)
      local s, col, label = get(row)
      if s == nil then return nil end
      if split or LIST_FIELDS[field] then
         local out = {}
         for part in (s .. (split or ";")):gmatch("(.-)" .. (split or ";"):gsub("%p", "%%%0")) do
            part = trim(part)
            if part ~= "" then
               local m = map_one(part, report, col, label)
               if m == nil then return nil end
               out[#out + 1] = m
            end
         end
         return out, col, label
      end
      local m = map_one(s, report, col, label)
      if m == nil then return nil end
      return m, col, label, m ~= s
   end
end

-- A block of fields ({name: field mapping}) checked against the dataset spec it fills, over
-- the fields an HXL table's tags give (tagged: field -> get, count's keys as count.best) and
-- under the constants of the command line (set: field -> text, which win over both).
-- Returns an ordered list of {field=, get=}, or nil.
local function compile_block(ctx, block, where, spec, columns, required_kind, tagged, set)
   tagged, set = tagged or {}, set or {}
   block = block or {}
   if not is_map(block) then
      ctx:problem(where, "expected a mapping of fields, got " .. describe(block))
      return nil
   end
   local out, ok = {}, true
   for k in pairs(block) do
      if not spec.fields[k] then
         local w = check.at(where, block, k, check.key_path(where.path, k))
         w.at_key = true
         ctx:problem(w, string.format("unknown field '%s'%s; a %s has: %s", tostring(k),
            text.did_you_mean(tostring(k), spec.order), required_kind, table.concat(spec.order, ", ")))
         ok = false
      end
   end
   for _, name in ipairs(spec.order) do
      local v = block[name]
      local w = check.at(where, block, name, check.key_path(where.path, name))
      local from_tags = {}
      for _, f in ipairs(tables.HXL_FIELDS) do
         if (f == name or f:sub(1, #name + 1) == name .. ".") and tagged[f] then from_tags[#from_tags + 1] = f end
      end
      if set[name] ~= nil then
         local constant = set[name]
         out[#out + 1] = { field = name, get = function() return constant end }
      elseif (v == nil or v == core.null) and #from_tags > 0 then
         for _, f in ipairs(from_tags) do out[#out + 1] = { field = f, get = tagged[f] } end
      elseif v == nil or v == core.null then
         if spec.fields[name].required and name ~= "persons" then
            ctx:problem(check.at(where, block, nil, where.path), string.format(
               "missing required field '%s': a %s needs it (a column, a template or {value: ...})", name,
               required_kind))
            ok = false
         end
      elseif name == "count" and is_map(v) and v.column == nil and v.value == nil and v.template == nil then
         for _, sub in ipairs(dataset.COUNT.order) do
            if v[sub] ~= nil then
               local get = compile_field(ctx, "count." .. sub, v[sub], check.at(w, v, sub, w.path .. "." .. sub),
                  columns)
               if get then out[#out + 1] = { field = "count." .. sub, get = get } else ok = false end
            end
         end
         for k in pairs(v) do
            if not dataset.COUNT.fields[k] then
               local kw = check.at(w, v, k, w.path .. "." .. tostring(k))
               kw.at_key = true
               ctx:problem(kw, string.format("unknown key '%s'%s in a count (%s)", tostring(k),
                  text.did_you_mean(tostring(k), dataset.COUNT.order), table.concat(dataset.COUNT.order, ", ")))
               ok = false
            end
         end
      else
         local get = compile_field(ctx, name, v, w, columns)
         if get then out[#out + 1] = { field = name, get = get } else ok = false end
      end
   end
   return ok and out or nil
end

local TABLE_OPTIONS = check.spec({
   { "delimiter", function(ctx, v, where)
      if type(v) ~= "string" or #v ~= 1 or v == '"' or v == "\n" or v == "\r" then
         ctx:problem(where, "expected one character, such as \",\", \";\" or \"\\t\", got " .. describe(v))
         return nil
      end
      return v
   end },
   { "header", check.integer(1) }, { "encoding", check.token }, { "dates", check.enum(tables.DATE_ORDERS) },
   { "sheet", check.string },
})

local MAPPING = check.spec({
   { "parley", function(ctx, v, where)
      if v ~= tables.FORMAT_VERSION then
         ctx:problem(where, "this parley reads mapping format 1, the file says " .. describe(v))
         return nil
      end
      return v
   end },
   { "table", check.mapping(TABLE_OPTIONS) },
   { "list", function(_, v) return v end }, { "person", function(_, v) return v end },
   { "claims", function(_, v) return v end },
}, function(ctx, m, _, where)
   if (m.claims ~= nil) == (m.list ~= nil or m.person ~= nil) then
      ctx:problem(where, "a mapping makes either one list (list: and person:) or claims (claims:), exactly one")
      return false
   end
   if m.person ~= nil and m.list == nil then
      ctx:problem(where, "a list mapping needs list: (the list itself) as well as person: (what each row says)")
      return false
   end
end)

-- Reads a mapping: a YAML file's path or a table. Returns the mapping document
-- {data=, marks=, name=, sha256=}, or nil and a message.
function tables.load_mapping(source)
   if type(source) == "table" then
      local ok, encoded = pcall(json.encode, source)
      return { data = source, name = "mapping", sha256 = core.sha256(ok and encoded or tostring(source)) }
   end
   if type(source) ~= "string" then
      error("bad argument 'map' (a mapping file's path or a mapping table expected, got " .. type(source) .. ")", 3)
   end
   local f, err = io.open(source, "rb")
   if not f then return nil, string.format("%s: cannot read the mapping: %s", source, err) end
   local content = f:read("a")
   f:close()
   local data, marks = yaml.load(content, { name = source, marks = true })
   if data == nil and type(marks) == "string" then return nil, marks end
   return { data = data, marks = marks, name = source, sha256 = core.sha256(content) }
end

---------------------------------------------------------------------------- HXL

-- The HXL hashtags (https://hxlstandard.org) of the fields of claims and of list entries,
-- with custom #x_ tags where HXL has none: what `parley export --format csv` writes and what
-- a tagged table is read by. Attributes may come in any order.
tables.HXL = {
   claims = {
      id = "#meta+id", claimant = "#org+claimant", source = "#meta+source", sources = "#meta+sources",
      as_of = "#date+reported",
      subject = "#x_subject", holder = "#org+holder", about = "#org+about", region = "#adm1",
      ["count.exact"] = "#affected+exact", ["count.best"] = "#affected+best", ["count.low"] = "#affected+min",
      ["count.high"] = "#affected+max", value = "#x_value", scope = "#x_scope", text = "#description",
      supersedes = "#meta+supersedes", notes = "#meta+notes",
      -- an account of an exchange: which, and its direction
      exchange = "#x_exchange", from = "#org+from", to = "#org+to",
      -- a breakdown's total, and a count that is approximate (~)
      part_of = "#x_part_of", ["count.approx"] = "#affected+approx",
   },
   entries = {
      name = "#affected+name", born = "#date+birth", sex = "#affected+sex", category = "#affected+category",
      rank = "#affected+rank", father_name = "#affected+name+father", notes = "#meta+notes",
   },
}
-- Every field a tag can give, in the order a record lists them.
tables.HXL_FIELDS = { "id", "claimant", "source", "sources", "as_of", "subject", "holder", "about", "region",
   "exchange", "from", "to", "part_of", "count.exact", "count.best", "count.low", "count.high", "count.approx",
   "value", "scope", "text", "supersedes", "notes", "name", "born", "sex", "category", "rank", "father_name" }
-- Attributes of #affected that say which part of a count a column is, not what is counted.
local COUNT_PARTS = { exact = "count.exact", best = "count.best", num = "count.best", min = "count.low",
   max = "count.high", approx = "count.approx" }

-- "#Affected +detained+F" -> "affected", {"detained", "f"} (sorted), or nil when s is no tag.
local function parse_tag(s)
   s = trim(s):lower():gsub("%s+", "")
   local hashtag, rest = s:match("^#([%a][%w_]*)(.*)$")
   if not hashtag or not rest:match("^[%+%w_]*$") then return nil end
   local attrs = {}
   for a in rest:gmatch("%+([%w_]+)") do attrs[#attrs + 1] = a end
   table.sort(attrs)
   return hashtag, attrs
end

local function tag_key(hashtag, attrs)
   return "#" .. hashtag .. (#attrs > 0 and ("+" .. table.concat(attrs, "+")) or "")
end

-- Whether row is a row of HXL hashtags: every cell empty or a tag, and at least one tag.
local function is_tag_row(row)
   local any = false
   for _, cell in ipairs(row or {}) do
      if trim(cell) ~= "" then
         if not parse_tag(cell) then return false end
         any = true
      end
   end
   return any
end

local TAG_FIELDS = {}
for kind, fields in pairs(tables.HXL) do
   TAG_FIELDS[kind] = {}
   for field, tag in pairs(fields) do TAG_FIELDS[kind][tag_key(parse_tag(tag))] = field end
end

-- The fields the tags of a table give: field -> {column = i} or {value = v}, and the number
-- of tagged columns used. #org alone is the claimant, #date alone the date of the claim, and
-- #affected+WHAT a count of WHAT (the subject), +min and +max its range.
local function tag_fields(tags, kind)
   local known = TAG_FIELDS[kind == "claims" and "claims" or "entries"]
   local out, used = {}, 0
   for i, cell in ipairs(tags) do
      local hashtag, attrs = parse_tag(cell)
      if hashtag then
         local field = known[tag_key(hashtag, attrs)]
         if not field and kind == "claims" then
            if hashtag == "org" and #attrs == 0 then field = "claimant" end
            if hashtag == "date" and #attrs == 0 then field = "as_of" end
            if hashtag == "affected" then
               local what
               field = "count.best"
               for _, a in ipairs(attrs) do
                  if COUNT_PARTS[a] then field = COUNT_PARTS[a] elseif not what then what = a end
               end
               if what and not out.subject then out.subject = { value = what } end
            end
         end
         if field and not out[field] then
            out[field] = { column = i }
            used = used + 1
         end
      end
   end
   return out, used
end

---------------------------------------------------------------------------- the document

-- A copy of the mapping's marks for node, each position naming the mapping's file, so the
-- constants of a list (its id, claimant, ...) are reported where they were written.
local function mapping_marks(mdoc, node)
   local m = mdoc.marks and mdoc.marks[node]
   if not m then return { file = mdoc.name, keys = {}, values = {} } end
   local function with_file(p) return { line = p.line, column = p.column, file = mdoc.name } end
   local out = { line = m.line, column = m.column, file = mdoc.name, keys = {}, values = {} }
   for k, p in pairs(m.keys or {}) do out.keys[k] = with_file(p) end
   for k, p in pairs(m.values or {}) do out.values[k] = with_file(p) end
   return out
end

local function deep_copy(v)
   if type(v) ~= "table" or v == core.null then return v end
   local out = {}
   for k, x in pairs(v) do out[k] = deep_copy(x) end
   return out
end

-- Reads a table's file into rows: a spreadsheet, or CSV/TSV. Returns rows and the cells'
-- problems, or nil after adding the problem of a file that cannot be read as a table.
local function read_rows(reading, content)
   local ctx, mdoc, options = reading.ctx, reading.mdoc, reading.options
   local rows, problems
   if reading.spreadsheet then
      rows, problems = core.read_xlsx(content, { sheet = options.sheet })
   else
      rows, problems = core.read_csv(content, {
         delimiter = options.delimiter or tables.DELIMITERS[reading.ext] or ",", encoding = options.encoding })
   end
   if rows then return rows, problems end
   if reading.spreadsheet and options.sheet and problems:find("has no sheet", 1, true) then
      ctx:problem(check.at({ doc = mdoc, path = "table" }, mdoc.data.table, "sheet", "table.sheet"), problems)
   elseif reading.spreadsheet then
      ctx:problem(reading.whole_file, problems)
   else
      ctx:problem(check.at({ doc = mdoc, path = "table" }, mdoc.data.table, "encoding", "table.encoding"), problems)
   end
   return nil
end

-- The columns of a header row: names (trimmed) by number and numbers by name.
local function header_columns(header)
   local columns = { names = {}, index = {} }
   for i, h in ipairs(header) do
      h = trim(h)
      columns.names[i] = h
      if h ~= "" and not columns.index[h] then columns.index[h] = i end
   end
   return columns
end

-- The compiled fields of the row block: the command line's constants (source.set) over the
-- mapping's fields over what the HXL tags give. nil after a problem of the mapping.
local function compile_fields(reading, tags, columns)
   local ctx, m, mdoc, kind = reading.ctx, reading.m, reading.mdoc, reading.kind
   local block_key = kind == "claims" and "claims" or "person"
   local where = { doc = mdoc, path = block_key, node = mdoc.data, key = block_key }
   local given = {}
   if tags then
      local from_tags = tag_fields(tags, kind)
      if kind == "claims" and not from_tags.id and not (is_map(m.claims) and m.claims.id) then
         -- a tagged table seldom has ids: the file's name and the row make one
         local base = reading.path:match("([^/]*)$"):gsub("%.[%w]+$", ""):gsub("[^%w._-]+", "_")
         given.id = function(_, _, r) return base .. "-" .. r end
      end
      for field, v in pairs(from_tags) do given[field] = compile_field(ctx, field, v, where, columns) end
   end
   local block, set = m[block_key], reading.set
   local spec = kind == "claims" and dataset.SPECS.claims or dataset.ENTRY
   local settable = {}
   for _, field in ipairs(spec.order) do
      if field ~= "count" then settable[#settable + 1] = field end
   end
   for field in pairs(set or {}) do
      if not spec.fields[field] or field == "count" then
         ctx:problem({ doc = { name = "--set" }, path = "" }, string.format(
            "a %s has no field '%s'%s that --set can give; it has: %s", kind == "claims" and "claim" or "list entry",
            tostring(field), text.did_you_mean(tostring(field), settable), table.concat(settable, ", ")))
         return nil
      end
   end
   if kind == "claims" then
      return compile_block(ctx, block, where, spec, columns, "claim", given, set)
   elseif block == nil and not tags and not set then
      ctx:problem({ doc = mdoc, node = mdoc.data, path = "" },
         "a list mapping needs person: (what each row says) unless the table's HXL hashtags say it")
      return nil
   end
   return compile_block(ctx, block, where, spec, columns, "list entry", given, set)
end

-- Where each record's values came from, made only when a problem asks (a table of 100,000
-- rows would otherwise make a position for every cell): marks[record] is {line = ROW} and
-- this metatable gives its file and values; a nested table (count) has its prefix too.
local function record_marks(path, fields)
   return { __index = function(mk, key)
      if key == "file" then return path end
      if key ~= "values" then return nil end
      local values = {}
      for _, fd in ipairs(fields) do
         if mk.prefix == nil and fd.sub then
            values[fd.top] = { line = mk.line, file = path }
         elseif fd.top == mk.prefix or (mk.prefix == nil and not fd.sub) then
            values[mk.prefix and fd.sub or fd.field] = fd.col and
               { line = mk.line, column = fd.col, label = fd.label, field = fd.field, file = path } or
               { line = mk.line, file = path }
         end
      end
      rawset(mk, "values", values)
      return values
   end }
end

-- A row that is not as wide as the header: a CSV row must be exactly as wide, but a sheet
-- leaves out empty cells at the end of a row, so only its cells past the header count.
local function check_width(reading, row, r, ncolumns)
   if reading.spreadsheet then
      for c = ncolumns + 1, #row do
         if trim(row[c]) ~= "" then
            reading.ctx:problem(reading.at_cell(r, c), string.format(
               "the cell lies beyond the header's %d columns", ncolumns))
            return
         end
      end
   elseif #row ~= ncolumns then
      reading.ctx:problem(reading.at_cell(r), string.format("the row has %d cell%s, the header has %d", #row,
         #row == 1 and "" or "s", ncolumns))
   end
end

-- The records of rows[first..]: one a row, blank rows left out. Returns the records and the
-- row of each.
local function read_records(reading, rows, first, ncolumns, fields)
   local marks, records, record_rows = reading.marks, {}, {}
   local meta = record_marks(reading.path, fields or {})
   for _, fd in ipairs(fields or {}) do fd.top, fd.sub = fd.field:match("^([^.]+)%.(.+)$") end
   local current_row, current_field
   local function report(col, label, message)
      reading.ctx:problem(reading.at_cell(current_row, col, label, current_field), message)
   end
   for r = first, #rows do
      local row = rows[r]
      local blank = true
      for _, cell in ipairs(row) do
         if cell:find("%S") then
            blank = false
            break
         end
      end
      if not blank then
         check_width(reading, row, r, ncolumns)
         if fields then
            local record = {}
            marks[record] = setmetatable({ line = r }, meta)
            current_row = r
            for _, fd in ipairs(fields) do
               current_field = fd.field
               local v, col, label, mapped = fd.get(row, report, r)
               if v ~= nil then
                  if col then fd.col, fd.label = col, label end
                  if type(v) == "string" and not mapped then v = typed(fd.field, trim(v), reading.opts) end
                  if fd.sub then
                     local t = record[fd.top]
                     if t == nil then
                        t = {}
                        record[fd.top] = t
                        marks[t] = setmetatable({ line = r, prefix = fd.top }, meta)
                     end
                     t[fd.sub] = v
                  else
                     record[fd.field] = v
                  end
               end
            end
            records[#records + 1] = record
            record_rows[#records] = r
         end
      end
   end
   return records, record_rows
end

-- The dataset of the records: claims, or one list (the mapping's constants) of entries.
local function assemble(reading, records, record_rows, header_row)
   local marks, mdoc, m, path = reading.marks, reading.mdoc, reading.m, reading.path
   local container = {}
   for i, rec in ipairs(records) do container[i] = rec end
   marks[container] = { file = path, line = header_row, values = setmetatable({}, { __index = function(_, i)
      local r = record_rows[i]
      return r and { line = r, file = path }
   end }) }
   local data = { parley = dataset.FORMAT_VERSION }
   marks[data] = { file = mdoc.name, values = {} }
   if reading.kind == "claims" then
      data.claims = container
      marks[data].values.claims = marks[container].values[1]
   else
      local list = is_map(m.list) and deep_copy(m.list) or m.list
      if is_map(list) then
         marks[list] = mapping_marks(mdoc, m.list)
         marks[list].values.persons = { line = header_row, file = path }
         list.persons = container
      end
      data.lists = { list }
      marks[data.lists] = { file = mdoc.name, values = { mapping_marks(mdoc, mdoc.data).values.list } }
   end
   return data
end

local function failed(problems)
   return nil, check.format_problems(problems), problems
end

local function failure(message)
   return nil, message, { { message = message } }
end

-- tables.document(source) -> the dataset document of a table source {table = PATH,
-- map = MAPPING (a path or a table; may be left out for an HXL table), set = {FIELD =
-- VALUE} (constants for the row block, over the mapping's), name = NAME (optional)}, ready
-- for dataset.validate: {data=, marks=, name=, sha256=}. Or nil, the problems as text and
-- the list of problems: every problem of the table and of its rows at once, checked as the
-- dataset would, except references to other records, which the import resolves against the
-- batch and the store.
function tables.document(source)
   local path, map = source.table, source.map
   if type(path) ~= "string" then
      error("bad argument 'table' (the path of a CSV, TSV or .xlsx file expected, got " .. type(path) .. ")", 3)
   end
   local mdoc
   if map == nil then
      -- an HXL table can do without: its tags say what its columns are
      mdoc = { data = { parley = tables.FORMAT_VERSION, claims = {} }, name = "its HXL tags", sha256 = core.sha256("") }
   else
      local err
      mdoc, err = tables.load_mapping(map)
      if not mdoc then return failure(err) end
   end
   local f, ferr = io.open(path, "rb")
   if not f then return failure(string.format("%s: cannot read: %s", path, ferr)) end
   local content = f:read("a")
   f:close()

   local ctx = check.new_context({})
   local m = check.fields(ctx, mdoc.data, { doc = mdoc, path = "" }, MAPPING)
   if not m then return failed(ctx.problems) end
   local ext = (path:match("%.([%w]+)$") or ""):lower()
   local set_digest = ""
   if source.set and next(source.set) then set_digest = json.encode(source.set) end
   local tdoc = {
      name = source.name or (map and (path .. " --map " .. mdoc.name) or path), marks = {},
      -- the file's digest and the mapping's (with the command line's constants, if any)
      sha256 = core.sha256(content) .. "+" .. (set_digest == "" and mdoc.sha256 or
         core.sha256(mdoc.sha256 .. set_digest)),
   }
   local reading = {
      ctx = ctx, m = m, mdoc = mdoc, path = path, ext = ext, options = m.table or {}, marks = tdoc.marks,
      spreadsheet = tables.SPREADSHEETS[ext], kind = m.claims and "claims" or "lists",
      whole_file = { doc = { name = path }, path = "" }, set = source.set and next(source.set) and source.set,
   }
   reading.opts = { dates = reading.options.dates or "iso" }
   function reading.at_cell(row, column, label, field)
      local node = {}
      tdoc.marks[node] = { line = row, column = column, label = label, field = field, file = path }
      return { doc = tdoc, node = node, path = "" }
   end

   local rows, cell_problems = read_rows(reading, content)
   if not rows then return failed(ctx.problems) end
   local header_row = reading.options.header or 1
   local header = rows[header_row]
   for _, p in ipairs(cell_problems) do
      ctx:problem(reading.at_cell(p.row, p.column, header and p.column and header[p.column]), p.message)
   end
   if not header then
      ctx:problem(reading.whole_file, #rows == 0 and "the table is empty: it has no header row" or
         string.format("the mapping's header is row %d, but the table has %d rows", header_row, #rows))
      return failed(ctx.problems)
   end
   -- HXL hashtags: the header row itself, or the row under it
   local tags, first = nil, header_row + 1
   if is_tag_row(header) then
      tags = header
   elseif is_tag_row(rows[header_row + 1]) then
      tags, first = rows[header_row + 1], header_row + 2
   end
   if map == nil and not tags then
      return failure(string.format("%s: a table is read through a mapping that says what its rows are: " ..
         "parley import DB %s --map MAPPING.yaml, or db:import{table = PATH, map = MAPPING}; a table with " ..
         "a row of HXL hashtags can do without (docs/tables.md)", path, path))
   end
   local fields = compile_fields(reading, tags, header_columns(header))
   local records, record_rows = read_records(reading, rows, first, #header, fields)
   if #rows < first and #cell_problems == 0 then
      ctx:problem(reading.whole_file, "the table has a header but no rows")
   end
   tdoc.data = assemble(reading, records, record_rows, header_row)
   tdoc.rows = #records
   if #ctx.problems > 0 then
      -- the rows' own problems too, as the import would find them, so all come at once
      local _, more = dataset.validate({ tdoc }, { exists = function() return true end })
      for _, p in ipairs(more) do ctx.problems[#ctx.problems + 1] = p end
      return failed(ctx.problems)
   end
   return tdoc
end

return tables
