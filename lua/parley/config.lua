-- The reconciliation config (docs/rules.md): read from YAML or given as a table, validated
-- strictly (unknown keys, missing files and bad values are errors at file:line:col, all
-- reported at once), with paths resolved relative to the config file.

local core = require "parley.core"
local builtin_rules = require "parley.rules"
local check = require "parley.check"
local json = require "parley.json"
local share = require "parley.share"
local text = require "parley.text"
local vocab = require "parley.vocab"
local yaml = require "parley.yaml"

local config = {}

-- The formats a run can be written in, sorted: the files of lua/parley/report/format/ (one
-- module parley.report.format.NAME each), next to the report package's init.lua on
-- package.path. Config sits a layer below reports, so it lists their directory (without
-- loading a format) to check `report:` entries; parley.report.formats() gives this list.
function config.report_formats()
   local names = {}
   local dispatcher = package.searchpath("parley.report", package.path)
   local dir = dispatcher and dispatcher:match("^(.*)/init%.lua$")
   for _, entry in ipairs(dir and core.list_dir(dir .. "/format") or {}) do
      local name = entry.kind == "file" and entry.name:match("^([%w_]+)%.lua$")
      if name then names[#names + 1] = name end
   end
   table.sort(names)
   return names
end

local function dirname(path)
   return path:match("^(.*)/[^/]*$") or "."
end

-- A path relative to the config file's directory (absolute paths and ":memory:" stay).
local function resolve(base, path)
   if path == ":memory:" or path:sub(1, 1) == "/" then return path end
   if base == "." then return path end
   return base .. "/" .. path
end

local function file_exists(path)
   local f = io.open(path, "rb")
   if f then f:close() end
   return f ~= nil
end

-- Built-in rules live in lua/parley/rules/NAME.lua, found on package.path.
function config.builtin_path(name)
   if type(name) ~= "string" or not name:match("^[%w_]+$") then return nil end
   return package.searchpath("parley.rules." .. name, package.path)
end

function config.builtin_names()
   return table.move(builtin_rules, 1, #builtin_rules, 1, {})
end

local function path_checker(kind)
   return function(ctx, v, where)
      local s = check.string(ctx, v, where)
      if not s then return nil end
      local full = resolve(ctx.base, s)
      if kind == "file" and not file_exists(full) then
         ctx:problem(where, string.format("no such file: %s", full))
         return nil
      end
      if kind == "store" and full ~= ":memory:" then
         local dir = dirname(full)
         local probe = io.open(dir .. "/.", "r")
         if probe then probe:close() end
         if not probe then
            ctx:problem(where, string.format("the store's directory %s does not exist", dir))
            return nil
         end
      end
      return full
   end
end

-- An entry of data: a dataset file, or a table read through a mapping (docs/tables.md).
local TABLE_SOURCE = check.spec({
   { "table", path_checker("file"), required = true }, { "map", path_checker("file"), required = true },
})

local function data_entry(ctx, v, where)
   if type(v) == "table" then return check.fields(ctx, v, where, TABLE_SOURCE) end
   return path_checker("file")(ctx, v, where)
end

local function builtin_checker(ctx, v, where)
   local s = check.string(ctx, v, where)
   if not s then return nil end
   local path = config.builtin_path(s)
   if not path then
      ctx:problem(where, string.format("no built-in rule '%s'%s", s,
         text.did_you_mean(s, config.builtin_names())))
      return nil
   end
   return s
end

local function any_with(ctx, v, where)
   if not check.is_map(v) then
      ctx:problem(where, "expected a mapping of parameters, got " .. check.describe(v))
      return nil
   end
   return v
end

local RULE = check.spec({
   { "use", builtin_checker }, { "script", path_checker("file") }, { "id", check.id },
   { "severity", check.enum(vocab.SEVERITIES) }, { "with", any_with }, { "enabled", check.boolean },
   { "tags", check.list(check.token) },
}, function(ctx, r, _, where)
   if (r.use == nil) == (r.script == nil) then
      ctx:problem(where, "a rule entry has either use: NAME (a built-in rule) or script: PATH, exactly one")
      return false
   end
end)

local LIMITS = check.spec({
   { "instructions", check.integer(1000) }, { "memory_mb", check.integer(1, 65536) },
   { "seconds", check.number(0.001, 86400) }, { "findings", check.integer(1) },
   { "log_lines", check.integer(0) },
})

local function report_spec()
   return check.spec({
      { "format", check.enum(config.report_formats()), required = true },
      { "path", path_checker("output"), required = true },
   })
end

local function top_spec()
   return check.spec({
      { "parley", function(ctx, v, where)
         if v ~= 1 then
            ctx:problem(where, "this parley reads config format 1, the file says " .. check.describe(v))
            return nil
         end
         return v
      end }, { "store", path_checker("store") },
      { "data", function(ctx, v, where)
         if type(v) == "string" then return { path_checker("file")(ctx, v, where) } end
         return check.list(data_entry)(ctx, v, where)
      end },
      { "rules", check.list(check.mapping(RULE)), required = true }, { "limits", check.mapping(LIMITS) },
      { "report", check.list(check.mapping(report_spec())) },
      { "share", share.check },
   })
end

-- Validates a config document {data=, name=, marks=}; base is the directory paths are
-- relative to. Returns the config with defaults filled and paths resolved, or nil and the
-- problems.
function config.validate(doc, base)
   local ctx = check.new_context({}, { base = base or "." })
   local where = { doc = doc, path = "" }
   local c = check.fields(ctx, doc.data, where, top_spec())
   if #ctx.problems > 0 or not c then return nil, ctx.problems end
   c.store = c.store or ":memory:"
   c.data = c.data or {}
   c.report = c.report or {}
   if c.share and c.share.key then c.share.key = resolve(base or ".", c.share.key) end
   local limits = {}
   for k, v in pairs(vocab.DEFAULT_LIMITS) do limits[k] = (c.limits or {})[k] or v end
   c.limits = limits
   c.name = doc.name
   c.base = base or "."
   -- where each rule entry's parameters were written, for messages about them
   c.doc = doc
   for i, r in ipairs(c.rules) do
      r.index = i
      r.enabled = r.enabled ~= false
      r.node = doc.data.rules[i]
   end
   return c
end

-- Reads a config: a path to a YAML file, or a table of the same shape (paths then relative
-- to opts.base or the working directory). opts.store, when given, is the store to use instead
-- of the config's own (a path as the caller gives it, not relative to the config). Returns the
-- config, or nil, the problems as text and the list of problems.
function config.load(source, opts)
   opts = opts or {}
   local doc, base
   local content
   if type(source) == "string" then
      local f, err = io.open(source, "rb")
      if not f then return nil, err, { { message = err } } end
      content = f:read("a")
      f:close()
      local data, marks = yaml.load(content, { name = source, marks = true })
      if data == nil and type(marks) == "string" then return nil, marks, { { message = marks } } end
      doc = { data = data, marks = marks, name = source }
      base = dirname(source)
   elseif type(source) == "table" then
      doc = { data = source, name = opts.name or "config" }
      base = opts.base or "."
      local ok, encoded = pcall(json.encode, source)
      content = ok and encoded or nil
   else
      error("bad argument #1 to 'reconcile' (config path or table expected, got " .. type(source) .. ")", 3)
   end
   local c, problems = config.validate(doc, base)
   if not c then return nil, check.format_problems(problems), problems end
   -- a store named by the caller (parley reconcile --store DB) is the caller's path, as given
   if opts.store ~= nil then
      if type(opts.store) ~= "string" then
         error("bad option store to 'reconcile' (a path string expected, got " .. type(opts.store) .. ")", 3)
      end
      c.store = opts.store
   end
   c.text = content -- what the run records the SHA-256 of
   return c
end

---------------------------------------------------------------------------- parameters

local PARAM_TYPES = { "number", "integer", "string", "boolean", "list" }

local function param_value_checker(decl)
   local t = decl.type
   if t == "integer" then return check.integer(decl.min, decl.max) end
   if t == "number" then return check.number(decl.min, decl.max) end
   if t == "boolean" then return check.boolean end
   if t == "string" then
      if decl.values then return check.enum(decl.values) end
      return check.string
   end
   return check.list(function(_, v) return v end)
end

-- Checks a rule entry's `with` against the parameters the rule declares, filling defaults.
-- Problems are added to ctx, located in the config document.
function config.check_params(ctx, declared, with, where)
   local out = {}
   declared = declared or {}
   local names = {}
   for name in pairs(declared) do names[#names + 1] = name end
   table.sort(names)
   for name, decl in pairs(declared) do
      if type(decl) ~= "table" or not check.enum(PARAM_TYPES)(check.new_context(), decl.type, {}) then
         ctx:problem(where, string.format("the rule declares parameter '%s' with no valid type (one of %s)",
            tostring(name), table.concat(PARAM_TYPES, ", ")))
      end
   end
   if with then
      for k, v in pairs(with) do
         local w = check.at(where, with, k, check.key_path(where.path, k))
         local decl = declared[k]
         if not decl then
            ctx:problem(w, string.format("the rule has no parameter '%s'%s (it has: %s)", tostring(k),
               type(k) == "string" and text.did_you_mean(k, names) or "",
               #names > 0 and table.concat(names, ", ") or "none"))
         elseif type(decl) == "table" and decl.type then
            out[k] = param_value_checker(decl)(ctx, v, w)
         end
      end
   end
   for name, decl in pairs(declared) do
      if out[name] == nil and type(decl) == "table" then
         if decl.default ~= nil then
            out[name] = decl.default
         elseif decl.required then
            ctx:problem(where, string.format("the rule needs parameter '%s'", tostring(name)))
         end
      end
   end
   return out
end

return config
