-- SPDX-License-Identifier: MIT
-- The machinery behind the dataset and config validators: checkers for values, mappings
-- checked against a field spec (unknown keys with a "did you mean", missing keys), a context
-- that collects every problem, and messages that say where: file:line:col when the document
-- came from YAML with marks, and always the key path (claims[3].holder).

local core = require "parley.core"
local null = core.null
local check_fast = core.check_fast
local text = require "parley.text"
local dates = require "parley.dates"

local check = {}

---------------------------------------------------------------------------- values

local function is_absent(v)
   return v == nil or v == null
end

local is_array

-- A table with no metatable that is not a non-empty array. is_array stops at the first key
-- that is not a positive integer, and pairs meets next's first key first, so a first key that
-- is not an integer settles it without a loop (a record: its first key is a string).
local function is_map(v)
   if type(v) ~= "table" or getmetatable(v) ~= nil then return false end
   local k = next(v)
   if k == nil or math.type(k) ~= "integer" then return true end
   return not is_array(v)
end

function is_array(v)
   if type(v) ~= "table" then return false end
   local n = 0
   for k in pairs(v) do
      if math.type(k) ~= "integer" or k < 1 then return false end
      n = n + 1
   end
   return n == #v
end

local function describe(v)
   if v == null then return "null" end
   local t = type(v)
   if t == "table" then return is_array(v) and next(v) ~= nil and "a list" or "a mapping" end
   if t == "string" then return string.format("the string %q", #v > 40 and v:sub(1, 40) .. "..." or v) end
   if math.type(v) == "float" then return "the number " .. tostring(v) end
   return (t == "number" and "the integer " or "") .. tostring(v)
end


---------------------------------------------------------------------------- context

-- A Context collects problems and references while records are checked.
local Context = {}
Context.__index = Context

-- fields: more state for the caller's own checks.
local function new_context(opts, fields)
   local ctx = fields or {}
   ctx.opts = opts or {}
   ctx.problems = {}
   ctx.refs = {} -- references to resolve once every record is known
   return setmetatable(ctx, Context)
end

-- where: {doc=, node=, key=, path=, record=}
function Context:problem(where, message)
   self.problems[#self.problems + 1] = {
      doc = where.doc, node = where.node, key = where.key, path = where.path,
      record = where.record, message = message, at_key = where.at_key,
   }
end

-- A warning: said where, like a problem, but the input is still accepted (a term the
-- vocabulary does not know). Kept in ctx.warnings.
function Context:warning(where, message)
   self.warnings = self.warnings or {}
   self.warnings[#self.warnings + 1] = {
      doc = where.doc, node = where.node, key = where.key, path = where.path,
      record = where.record, message = message, at_key = where.at_key,
   }
end

local function at(where, node, key, path)
   return { doc = where.doc, node = node, key = key, path = path, record = where.record }
end

local function index_path(path, i) return string.format("%s[%d]", path, i) end
local function key_path(path, k) return path == "" and tostring(k) or path .. "." .. tostring(k) end

-- Where a value of a mapping (or the item of a list, `index`) is, with its key path made only
-- when something reads it: a problem, or a where made inside it. Most values are fine, and
-- their paths are never read. `up` is the where of the mapping or list.
local Lazy = {
   __index = function(w, k)
      if k ~= "path" then return nil end
      local up = rawget(w, "up")
      local p = rawget(w, "index") and index_path(up.path, w.key) or key_path(up.path, w.key)
      rawset(w, "path", p)
      return p
   end,
}

-- (the record a where is in is its up's, read when a problem is said)
Lazy.__index = function(w, k)
   if k == "record" then return rawget(w, "up").record end
   if k ~= "path" then return nil end
   local up = rawget(w, "up")
   local p = rawget(w, "index") and index_path(up.path, w.key) or key_path(up.path, w.key)
   rawset(w, "path", p)
   return p
end

local function lazy_at(where, node, key, index)
   return setmetatable({ doc = where.doc, node = node, key = key, up = where, index = index }, Lazy)
end

-- Where the i-th record of a document's list `name` is (its path claims[3]), and what it is
-- called in messages (`label` and its id: "claim c3"), both made only when read: an import
-- keeps the where of every record it checked, and reads these only to say a problem.
local RecordWhere = {
   __index = function(w, k)
      local v
      if k == "path" then
         v = index_path(rawget(w, "list_name"), rawget(w, "key"))
      elseif k == "record" then
         local id = rawget(w, "id")
         v = id and (rawget(w, "label") .. " " .. id)
      else
         return nil
      end
      rawset(w, k, v)
      return v
   end,
}

local function record_at(doc, list, i, name, label, id)
   return setmetatable({ doc = doc, node = list, key = i, list_name = name, label = label, id = id }, RecordWhere)
end

---------------------------------------------------------------------------- checkers
-- A checker is function(ctx, value, where) -> normalised value, or nil after reporting.
-- A checker may also have a fast form, FAST[checker](v, ctx) -> the normalised value when v is
-- fine, nil when it is not: check_fields calls the checker itself (with a where) only then,
-- so a field that is fine costs no where and no key path.

local FAST = setmetatable({}, { __mode = "k" })
-- The checkers whose fast form src/check_fast.c also knows, for core.check_fast: checker ->
-- {code, arg, min, max} (the codes of that file; its answers are the fast forms' own).
local NATIVE = setmetatable({}, { __mode = "k" })

local function id_checker(ctx, v, where)
   if type(v) ~= "string" or v == "" then
      ctx:problem(where, "expected an id (a non-empty string), got " .. describe(v))
      return nil
   end
   if v:find("[%s%c]") then
      ctx:problem(where, string.format("id %q contains white space or control characters", v))
      return nil
   end
   return v
end

local function string_checker(ctx, v, where)
   if type(v) ~= "string" then
      ctx:problem(where, "expected a string, got " .. describe(v))
      return nil
   end
   return v
end
FAST[string_checker] = function(v) if type(v) == "string" then return v end end
FAST[id_checker] = function(v)
   if type(v) == "string" and v ~= "" and not v:find("[%s%c]") then return v end
end
NATIVE[string_checker], NATIVE[id_checker] = { 1 }, { 2 }

-- Short tokens such as subjects and scope tags: one line, no surrounding blanks.
local function token_checker(ctx, v, where)
   if type(v) ~= "string" or v == "" or v:find("^%s") or v:find("%s$") or v:find("%c") then
      ctx:problem(where, "expected a word or short phrase, got " .. describe(v))
      return nil
   end
   return v
end
FAST[token_checker] = function(v)
   if type(v) == "string" and v ~= "" and not (v:find("^%s") or v:find("%s$") or v:find("%c")) then return v end
end
NATIVE[token_checker] = { 3 }

local function enum_checker(values)
   local set = {}
   for _, x in ipairs(values) do set[x] = true end
   local checker
   checker = function(ctx, v, where)
      if not set[v] then
         local hint = type(v) == "string" and text.did_you_mean(v, values) or ""
         for _, x in ipairs(type(v) == "string" and hint == "" and values or {}) do
            -- too short for a near miss, but the same word in another case ("b" for "B")
            if type(x) == "string" and x:lower() == v:lower() then hint = string.format(" (did you mean '%s'?)", x) end
         end
         ctx:problem(where, string.format("expected one of %s, got %s%s", table.concat(values, ", "),
            describe(v), hint))
         return nil
      end
      return v
   end
   FAST[checker] = function(v) if v ~= nil and set[v] then return v end end
   NATIVE[checker] = { 4, set }
   return checker
end

local function integer_checker(min, max)
   local checker
   checker = function(ctx, v, where)
      if math.type(v) ~= "integer" then
         if math.type(v) == "float" and v == math.floor(v) and v >= -2^53 and v <= 2^53 then
            v = math.tointeger(v)
         else
            ctx:problem(where, "expected an integer, got " .. describe(v))
            return nil
         end
      end
      if (min and v < min) or (max and v > max) then
         if min and max then
            ctx:problem(where, string.format("%d is out of range: it must be from %d to %d", v, min, max))
         elseif min then
            ctx:problem(where, string.format("%d is out of range: it must be at least %d", v, min))
         else
            ctx:problem(where, string.format("%d is out of range: it must be at most %d", v, max))
         end
         return nil
      end
      return v
   end
   FAST[checker] = function(v)
      if math.type(v) == "integer" and not ((min and v < min) or (max and v > max)) then return v end
   end
   NATIVE[checker] = { 5, nil, min, max }
   return checker
end

local function boolean_checker(ctx, v, where)
   if type(v) ~= "boolean" then
      ctx:problem(where, "expected true or false, got " .. describe(v))
      return nil
   end
   return v
end
FAST[boolean_checker] = function(v) if type(v) == "boolean" then return v end end
NATIVE[boolean_checker] = { 6 }

local function date_checker(ctx, v, where)
   local d, err = dates.parse(v)
   if not d then
      if type(v) ~= "string" and math.type(v) ~= "integer" then err = err .. ", got " .. describe(v) end
      ctx:problem(where, err)
   end
   return d
end
-- An import writes the same few dates in many records: each is parsed once per context, and
-- its records share the parsed date (read-only, as every record's values are once checked).
FAST[date_checker] = function(v, ctx)
   if type(v) ~= "string" and math.type(v) ~= "integer" then return nil end
   local parsed = ctx.parsed_dates
   if not parsed then
      parsed = {}
      ctx.parsed_dates = parsed
   end
   local d = parsed[v]
   if d == nil then
      d = dates.parse(v) or false
      parsed[v] = d
   end
   return d or nil
end
NATIVE[date_checker] = { 8 }

local function number_checker(min, max)
   return function(ctx, v, where)
      if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
         ctx:problem(where, "expected a number, got " .. describe(v))
         return nil
      end
      if (min and v < min) or (max and v > max) then
         ctx:problem(where, string.format("%s is out of range: it must be %s", tostring(v),
            min and max and ("from " .. min .. " to " .. max) or min and ("at least " .. min) or ("at most " .. max)))
         return nil
      end
      return v
   end
end

-- A reference to a record of `kind`, resolved after the whole batch has been read. When the
-- context can tell already that the record exists (ctx.known(kind, id): the batch declares it,
-- or the store has it), the reference is fine at once: nothing is kept for it and no where is
-- made (most references of an import are such; keeping each made a third of its memory).
local function ref_checker(kind)
   local checker = function(ctx, v, where)
      local id = id_checker(ctx, v, where)
      if id then
         ctx.refs[#ctx.refs + 1] = { kind = kind, id = id, where = where }
      end
      return id
   end
   FAST[checker] = function(v, ctx)
      local known = ctx.known
      if known and type(v) == "string" and v ~= "" and not v:find("[%s%c]") and known(kind, v) then return v end
   end
   NATIVE[checker] = { 7, kind }
   return checker
end

local function list_checker(item)
   local fast = FAST[item]
   return function(ctx, v, where)
      if not is_array(v) then
         ctx:problem(where, "expected a list, got " .. describe(v))
         return nil
      end
      local out, ok = {}, true
      for i = 1, #v do
         local x = v[i]
         local r = fast and fast(x, ctx)
         if r == nil then r = item(ctx, x, lazy_at(where, v, i, true)) end
         if r == nil then ok = false end
         out[i] = r
      end
      return ok and out or nil
   end
end

-- Checks a mapping against a field spec: unknown keys (with a "did you mean"), missing
-- required keys, and each value. Returns the normalised table (absent values left out).
local full_check

local function check_fields(ctx, v, where, spec)
   -- The common case first, with nothing to report: every key known, every required one
   -- there, each value with a fast form fine by it. Then only the fields without one are
   -- checked, in the spec's order, so what they report comes in the order the full check
   -- gives. Anything else is left to the full check, which says it all in that order.
   -- (that first loop is core.check_fast, in C: it runs for every mapping of an import, and
   -- what it settles is a mapping: only what it declines is asked whether it is one)
   local fields = spec.fields
   local out = check_fast(ctx, v, fields, spec.required, null)
   if not out then
      if not is_map(v) then
         ctx:problem(where, "expected a mapping, got " .. describe(v))
         return nil
      end
      return full_check(ctx, v, where, spec)
   end
   local ok, slow = true, spec.slow
   for i = 1, #slow do
      local name = slow[i]
      local value = v[name]
      if value ~= nil and value ~= null then
         local r = fields[name].check(ctx, value, lazy_at(where, v, name))
         if r == nil then ok = false end
         out[name] = r
      end
   end
   if ok and spec.after then ok = spec.after(ctx, out, v, where) ~= false end
   return ok and out or nil
end

-- Checks a mapping against a field spec, saying every problem in the spec's order.
function full_check(ctx, v, where, spec)
   local out, ok = {}, true
   for k in pairs(v) do
      if not spec.fields[k] then
         local hint = type(k) == "string" and text.did_you_mean(k, spec.order) or ""
         local w = at(where, v, k, key_path(where.path, k))
         w.at_key = true -- the position of the key itself, not of its value
         ctx:problem(w, string.format("unknown key %s%s", type(k) == "string" and ("'" .. k .. "'") or describe(k),
            hint))
         ok = false
      end
   end
   local order, fields = spec.order, spec.fields
   for i = 1, #order do
      local name = order[i]
      local field = fields[name]
      local value = v[name]
      if value == nil or value == null then
         if field.required then
            ctx:problem(at(where, v, nil, where.path), "missing required key '" .. name .. "'")
            ok = false
         end
      else
         -- where the value is, made only for a value its fast form does not find fine
         local fast = field.fast
         local r = fast and fast(value, ctx)
         if r == nil then r = field.check(ctx, value, lazy_at(where, v, name)) end
         if r == nil then ok = false end
         out[name] = r
      end
   end
   if ok and spec.after then ok = spec.after(ctx, out, v, where) ~= false end
   return ok and out or nil
end

-- A spec: fields[name] = {check, fast, required}, order (the names in order), after (a check
-- of the whole mapping), slow (the names of the fields without a fast form, in order) and
-- required (how many fields are required).
local function spec(fields, after)
   local s = { fields = {}, order = {}, after = after, slow = {}, required = 0 }
   for _, f in ipairs(fields) do
      local fast = FAST[f[2]]
      local native = fast and NATIVE[f[2]] or {}
      s.fields[f[1]] = { check = f[2], fast = fast, required = f.required, native = native[1], arg = native[2],
         min = native[3], max = native[4] }
      s.order[#s.order + 1] = f[1]
      if not fast then s.slow[#s.slow + 1] = f[1] end
      if f.required then s.required = s.required + 1 end
   end
   return s
end

local function mapping_checker(s)
   return function(ctx, v, where) return check_fields(ctx, v, where, s) end
end

---------------------------------------------------------------------------- messages

-- Where a problem is: line and column from the document's marks when it has them, and the
-- position itself. A position made for a table cell (parley.tables) may also carry `file`
-- (the file it is in, when not the document's), `label` (the column's header) and `field`
-- (the dataset field the cell gives); its column may be absent for a whole row.
local function position(problem)
   local marks = problem.doc and problem.doc.marks
   local node, key = problem.node, problem.key
   if not marks or not node then return nil end
   local m = marks[node]
   if not m then return nil end
   if key ~= nil then
      local p
      if problem.at_key then
         p = (m.keys and m.keys[key]) or (m.values and m.values[key])
      else
         p = (m.values and m.values[key]) or (m.keys and m.keys[key])
      end
      if p then return p.line, p.column, p end
   end
   return m.line, m.column, m
end

-- "file:line:col: message (at claims[3].holder)", or for a table cell
-- "file:row:col (header): field: message".
function check.format_problem(problem)
   local name = problem.doc and problem.doc.name or "input"
   local line, col, pos = position(problem)
   local where = name
   if line then
      where = string.format("%s:%d", pos.file or name, line) .. (col and (":" .. col) or "") ..
         (pos.label and (" (" .. pos.label .. ")") or "")
   end
   if pos and pos.field then return string.format("%s: %s: %s", where, pos.field, problem.message) end
   local suffix = problem.path ~= "" and string.format(" (at %s)", problem.path) or ""
   local who = problem.record and (problem.record .. ": ") or ""
   return string.format("%s: %s%s%s", where, who, problem.message, suffix)
end

-- Problems in document order, then by line: a list of lines (check.format_problem's).
function check.format_list(problems)
   local out = {}
   for i, p in ipairs(problems) do
      local line, col = position(p)
      out[i] = { text = check.format_problem(p), doc = p.doc and p.doc.index or 0,
         line = line or 0, col = col or 0, i = i }
   end
   table.sort(out, function(a, b)
      if a.doc ~= b.doc then return a.doc < b.doc end
      if a.line ~= b.line then return a.line < b.line end
      if a.col ~= b.col then return a.col < b.col end
      return a.i < b.i
   end)
   local lines = {}
   for i, o in ipairs(out) do lines[i] = o.text end
   return lines
end

-- Problems in document order, then by line, as one text.
function check.format_problems(problems)
   return table.concat(check.format_list(problems), "\n")
end

--- Checks a mapping whose keys are tokens (scope tags, vocabulary names) and whose values one
-- checker reads: each key as a token (a problem placed at the key itself), each value with
-- `value(ctx, v, where)` at its key path. Every problem is said.
-- @tparam table ctx the check context
-- @tparam table v the mapping (is_map already checked)
-- @tparam table where its position
-- @tparam function value the checker of each value: the value read, or nil (problems said)
-- @treturn table|nil the mapping read, or nil when a key or a value had a problem
function check.token_keyed(ctx, v, where, value)
   local out, ok = {}, true
   for key, val in pairs(v) do
      local w = at(where, v, key, key_path(where.path, key))
      local key_w = at(where, v, key, w.path)
      key_w.at_key = true
      if token_checker(ctx, key, key_w) == nil then
         ok = false
      else
         local r = value(ctx, val, w)
         if r then out[key] = r else ok = false end
      end
   end
   return ok and out or nil
end

check.is_absent, check.is_map, check.is_array, check.describe = is_absent, is_map, is_array, describe
check.new_context, check.at, check.index_path, check.key_path = new_context, at, index_path, key_path
check.id, check.string, check.token, check.boolean, check.date = id_checker, string_checker, token_checker,
   boolean_checker, date_checker
check.enum, check.integer, check.number, check.ref = enum_checker, integer_checker, number_checker, ref_checker
check.list, check.mapping, check.fields, check.spec = list_checker, mapping_checker, check_fields, spec
check.record_at = record_at
-- a checker's fast form (spec/check_fast_spec.lua compares core.check_fast with them)
function check.fast_form(checker) return FAST[checker] end

return check
