-- SPDX-License-Identifier: MIT
-- The reconciliation config (docs/rules.md): read from YAML or given as a table, validated
-- strictly (unknown keys, missing files and bad values are errors at file:line:col, all
-- reported at once), with paths resolved relative to the config file and held inside its
-- directory: a config received from someone else cannot read or overwrite files elsewhere
-- unless the user allows it (opts.allow_outside; parley reconcile --allow-outside).

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

-- Where full (a path as resolved against the config's directory) really is, every link and ".."
-- resolved: the path itself when something is there, else its nearest existing ancestor's real
-- path and the rest (which may not climb out with "..", since nothing there can be resolved).
-- nil when it cannot be told.
local function real_location(full)
   if core.path_kind(full) then return core.real_path(full) end
   local dir, rest = full, {}
   while not core.path_kind(dir) do
      local name = dir:match("([^/]*)$")
      if name == ".." then return nil end
      table.insert(rest, 1, name)
      dir = dir:match("^(.*)/[^/]*$") or "."
      if dir == "" then dir = "/" end
   end
   local real = core.real_path(dir)
   if not real then return nil end
   return (real == "/" and "" or real) .. "/" .. table.concat(rest, "/")
end

-- Whether the path stays inside the config's directory (ctx.root, its real path); adds the
-- problem when it does not. Symbolic links count for where they lead.
local function confined(ctx, full, where)
   if ctx.allow_outside or full == ":memory:" then return true end
   local real = real_location(full)
   local root = ctx.root
   if real and root and (real == root or real:sub(1, #root + 1) == root .. "/" or root == "/") then
      return true
   end
   ctx:problem(where, string.format("%s is outside the config's directory %s%s; a config may only name files " ..
      "inside its own directory unless you allow it (parley reconcile --allow-outside, or allow_outside = true)",
      full, root or ctx.base, real and real ~= full and (" (it leads to " .. real .. ")") or ""))
   return false
end

local function path_checker(kind)
   return function(ctx, v, where)
      local s = check.string(ctx, v, where)
      if not s then return nil end
      local full = resolve(ctx.base, s)
      if kind == "output" and core.path_kind(full) == "symlink" then
         ctx:problem(where, string.format("%s is a symbolic link: a report is never written through one", full))
         return nil
      end
      if not confined(ctx, full, where) then return nil end
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
   { "log_lines", check.integer(0) }, { "temp_mb", check.number(1, 1048576) },
   { "evidence_ids", check.integer(1) }, { "output_mb", check.number(1, 65536) },
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
      -- strict: the data's subjects and scope tags must be in the vocabulary (docs/dataset.md)
      { "vocabulary", check.enum({ "strict" }) },
   })
end

-- What can still be checked of a config with problems: its rule entries that are valid on their
-- own and its limits (or the default ones), so that the rules' parameters are checked in the
-- same pass as the rest (config.validate's third result; the engine reads the rules' manifests).
-- The context paths are checked in: the base directory, its real path, whether paths may
-- lead outside it.
local function path_context(base, opts)
   return check.new_context({}, { base = base or ".", root = core.real_path(base or "."),
      allow_outside = opts.allow_outside == true })
end

local function partial_config(doc, base, opts)
   local rules = type(doc.data) == "table" and doc.data.rules
   if not check.is_array(rules) then return nil end
   local scratch = path_context(base, opts)
   local partial = { doc = doc, base = base, rules = {}, limits = {} }
   local where = { doc = doc, node = doc.data, key = "rules", path = "rules" }
   for i, node in ipairs(rules) do
      local before = #scratch.problems
      local r = check.mapping(RULE)(scratch, node, check.at(where, rules, i, check.index_path("rules", i)))
      if r and #scratch.problems == before then
         r.index, r.enabled, r.node = i, r.enabled ~= false, node
         partial.rules[#partial.rules + 1] = r
      end
   end
   local limits = check.is_map(doc.data.limits) and
      check.mapping(LIMITS)(scratch, doc.data.limits, { doc = doc, path = "limits" }) or {}
   for k, v in pairs(vocab.DEFAULT_LIMITS) do partial.limits[k] = limits[k] or v end
   return partial
end

-- Validates a config document {data=, name=, marks=}; base is the directory paths are
-- relative to. Returns the config with defaults filled and paths resolved, or nil, the
-- problems, and what can still be checked (the rule entries without problems, for their
-- parameters: engine). opts.allow_outside: paths may lead outside base.
function config.validate(doc, base, opts)
   opts = opts or {}
   local ctx = path_context(base, opts)
   local where = { doc = doc, path = "" }
   local c = check.fields(ctx, doc.data, where, top_spec())
   if #ctx.problems > 0 or not c then return nil, ctx.problems, partial_config(doc, base or ".", opts) end
   c.store = c.store or ":memory:"
   c.data = c.data or {}
   c.report = c.report or {}
   if c.share and c.share.key then
      c.share.key = resolve(base or ".", c.share.key)
      -- the key file is a path of the config like the others: a received config cannot have a
      -- file elsewhere read as the key, or a new one created there
      confined(ctx, c.share.key, check.at(where, doc.data.share, "key", "share.key"))
      if #ctx.problems > 0 then return nil, ctx.problems end
   end
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

local CONFIG_TEXT_BYTES = 16 * 1024 * 1024

-- Reads a config: a path to a YAML file, or a table of the same shape (paths then relative
-- to opts.base or the working directory). opts.text, when given, is the YAML text of the
-- config, and source (a string) its name in messages ("<stdin>"): its paths are relative to
-- opts.base or the working directory. A config read as YAML (a file, or opts.text) must keep
-- its paths inside that directory unless opts.allow_outside. opts.store, when given, is the store to use instead
-- of the config's own (a path as the caller gives it, not relative to the config). Returns the
-- config, or nil, the problems as text, the list of problems and what can still be checked of
-- the config (config.validate).
function config.load(source, opts)
   opts = opts or {}
   local doc, base
   local content
   if type(source) == "string" then
      if opts.text ~= nil then
         if type(opts.text) ~= "string" then
            error("bad option text to 'reconcile' (a YAML string expected, got " .. type(opts.text) .. ")", 3)
         end
         content, base = opts.text, opts.base or "."
      else
         local f, err = io.open(source, "rb")
         if not f then return nil, err, { { message = err } } end
         content = f:read("a")
         f:close()
         base = dirname(source)
      end
      local data, marks = yaml.load(content, { name = source, marks = true })
      if data == nil and type(marks) == "string" then return nil, marks, { { message = marks } } end
      doc = { data = data, marks = marks, name = source }
   elseif type(source) == "table" then
      doc = { data = source, name = opts.name or "config" }
      base = opts.base or "."
      -- what the run records the digest of; a table that would be text past this is no config
      local ok, encoded = pcall(json.encode, source, { max_bytes = CONFIG_TEXT_BYTES })
      content = ok and encoded or nil
   else
      error("bad argument #1 to 'reconcile' (config path or table expected, got " .. type(source) .. ")", 3)
   end
   -- a table is the calling program's own config, its paths the program's: only a config read
   -- as YAML (the kind that is received) is held to its directory
   local c, problems, partial = config.validate(doc, base,
      { allow_outside = opts.allow_outside or type(source) == "table" })
   if not c then return nil, check.format_problems(problems), problems, partial end
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

-- A list parameter holds scalars (decl.items: one of LIST_ITEMS, default any scalar), at most
-- decl.max_items of them (default config.MAX_LIST_ITEMS). Never tables: a list of lists or of
-- mappings is where a YAML alias bomb hides, and nothing a rule is given needs one.
config.MAX_LIST_ITEMS = 10000
local LIST_ITEMS = { "string", "integer", "number", "boolean" }

local function any_scalar(ctx, v, where)
   local t = type(v)
   if t == "string" or t == "number" or t == "boolean" then return v end
   ctx:problem(where, "expected a string, a number or a boolean, got " .. check.describe(v))
   return nil
end

local function list_param_checker(decl)
   local item = any_scalar
   if decl.items == "string" then item = check.string end
   if decl.items == "integer" then item = check.integer() end
   if decl.items == "number" then item = check.number() end
   if decl.items == "boolean" then item = check.boolean end
   local most = math.tointeger(decl.max_items) or config.MAX_LIST_ITEMS
   local items = check.list(item)
   return function(ctx, v, where)
      if type(v) == "table" and #v > most then
         ctx:problem(where, string.format("a list of %d items; this parameter takes at most %d", #v, most))
         return nil
      end
      return items(ctx, v, where)
   end
end

local function param_value_checker(decl)
   local t = decl.type
   if t == "integer" then return check.integer(decl.min, decl.max) end
   if t == "number" then return check.number(decl.min, decl.max) end
   if t == "boolean" then return check.boolean end
   if t == "string" then
      if decl.values then return check.enum(decl.values) end
      return check.string
   end
   return list_param_checker(decl)
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
      elseif decl.items ~= nil and not check.enum(LIST_ITEMS)(check.new_context(), decl.items, {}) then
         ctx:problem(where, string.format("the rule declares list parameter '%s' with items of no valid type " ..
            "(one of %s)", tostring(name), table.concat(LIST_ITEMS, ", ")))
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
