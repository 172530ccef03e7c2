-- SPDX-License-Identifier: MIT
-- The API reference covers the API: every public function and method of parley, parley.yaml,
-- parley.names, parley.json, parley.rulekit, parley.mse, the store (parley.store and the methods of a Database) and the
-- rule context has an LDoc comment that LDoc renders (make docs), and each parameter of a Lua
-- function is named by an @param or @tparam. The public surface is read from the modules as
-- they load, not from a list, so a new function without its comment fails here. Tagged "tools":
-- LDoc runs on Lua 5.1, which the ASan pass's preload aborts at exit.
local support = require "support"

local top = support.top
local q = support.quote

-- The files config.ld gives LDoc.
local function ldoc_files()
   local env = {}
   assert(loadfile(top .. "/config.ld", "t", env))()
   return env.file
end

-- Runs LDoc on one file, or on config.ld's files (file nil), into a fresh directory; returns
-- the directory.
local function run_ldoc(file, dir)
   local code, out = support.sh(string.format("cd %s && ldoc -q -d %s %s", q(top), q(dir), file and q(file) or "."))
   assert(code == 0, out)
   return dir
end

-- The names LDoc documented in one module page ("open", "kit.say", "Database:query",
-- "ctx.log"), also by the name after the module table's ("say").
local function rendered_names(html)
   local names = {}
   for name in html:gmatch('<a name = "([^"]+)"></a>') do
      names[name] = true
      names[name:match("^[%w_]+%.([%w_]+)$") or name] = true
   end
   return names
end

-- The @param/@tparam names of each doc comment of a source, by the name it documents: a
-- doc comment starts with "---" (not a ruler "----"), runs over the comment lines under it,
-- and documents its @function NAME or the definition on the line after it.
local function doc_params(source)
   local docs = {}
   local lines = {}
   for line in (source .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
   local i = 1
   while i <= #lines do
      if lines[i]:find("^%-%-%-") and not lines[i]:find("^%-%-%-%-") and
         (i == 1 or not lines[i - 1]:find("^%-%-")) then
         local block = {}
         while i <= #lines and lines[i]:find("^%-%-") do
            block[#block + 1] = lines[i]
            i = i + 1
         end
         local text = table.concat(block, "\n")
         local name = text:match("@function%s+([%w_.:]+)")
         local code = lines[i] or ""
         name = name or code:match("^function%s+([%w_.:]+)") or code:match("^local%s+function%s+([%w_]+)") or
            code:match("^([%w_.]+)%s*=")
         if name then
            local params = {}
            for p in text:gmatch("@param%s+([%w_.]+)") do params[p] = true end
            for p in text:gmatch("@tparam%S*%s+%S+%s+([%w_.]+)") do params[p] = true end
            docs[name] = params
            -- by its own name too, the first comment of that name in the file
            local short = name:match("[.:]([%w_]+)$") or name
            docs[short] = docs[short] or params
         end
      else
         i = i + 1
      end
   end
   return docs
end

-- The named parameters of a Lua function, and "..." when it takes a variable number.
local function parameters(f)
   local info = debug.getinfo(f, "Su")
   if info.what ~= "Lua" then return nil end
   local list = {}
   for n = 1, info.nparams do list[#list + 1] = debug.getlocal(f, n) end
   if info.isvararg then list[#list + 1] = "..." end
   return list
end

-- What is missing for the functions of surface ({name = function}) given a module page's
-- rendered names and its source: one line per undocumented function or parameter.
-- prefix is how the reference names them ("" for module functions, "Database:").
local function missing_docs(surface, rendered, source, prefix, module_name)
   local params = doc_params(source)
   local missing = {}
   for name, f in pairs(surface) do
      local full = prefix .. name
      local shown = rendered[full] or rendered[name] or (prefix == "" and rendered[module_name .. "." .. name])
      if not shown then
         missing[#missing + 1] = string.format("%s%s has no doc comment", module_name and module_name .. ": " or "",
            full)
      elseif type(f) == "function" then
         local documented = params[full] or params[name] or {}
         -- a method's self is not a parameter of the reference
         for n, p in ipairs(parameters(f) or {}) do
            if not (n == 1 and (p == "self" or prefix ~= "" and p == "db")) and not documented[p] then
               missing[#missing + 1] = string.format("%s: %s's parameter %s has no @param", module_name, full, p)
            end
         end
      end
   end
   table.sort(missing)
   return missing
end

local function functions_of(t)
   local out = {}
   for k, v in pairs(t) do
      if type(v) == "function" then out[k] = v end
   end
   return out
end

describe("#tools the API reference", function()
   local out = run_ldoc(nil, support.tmpname("docs"))
   local function page(module_name)
      return support.read(out .. "/modules/" .. module_name .. ".html")
   end

   it("documents every function of the public modules", function()
      local missing = {}
      for _, m in ipairs({
         { "parley", "lua/parley/init.lua" },
         { "parley.yaml", "lua/parley/yaml.lua" },
         { "parley.names", "lua/parley/names.lua" },
         { "parley.json", "lua/parley/json.lua" },
         { "parley.store", "lua/parley/store.lua" },
         { "parley.rulekit", "lua/parley/rulekit.lua" },
         { "parley.mse", "lua/parley/mse.lua" },
      }) do
         local surface = functions_of(require(m[1]))
         assert.truthy(next(surface), m[1] .. " has functions")
         for _, line in ipairs(missing_docs(surface, rendered_names(page(m[1])), support.read(top .. "/" .. m[2]), "",
            m[1])) do
            missing[#missing + 1] = line
         end
      end
      assert.same({}, missing)
   end)

   it("documents every method of a store", function()
      local db = assert(require("parley").open(":memory:"))
      local methods = functions_of(getmetatable(db).__index)
      db:close()
      assert.truthy(methods.query and methods.claims and methods.import)
      assert.same({}, missing_docs(methods, rendered_names(page("parley.store")),
         support.read(top .. "/lua/parley/store.lua"), "Database:", "parley.store"))
   end)

   it("documents everything a rule's ctx holds", function()
      -- what a rule is given, read by a rule
      local rule = support.write(support.tmpname("ctx_keys.lua"), [[
         return { id = "ctx_keys", version = "1", run = function(ctx)
            local keys = {}
            for k, v in pairs(ctx) do keys[#keys + 1] = k .. "=" .. type(v) end
            table.sort(keys)
            ctx.log(table.concat(keys, " "))
         end }
      ]])
      local run = assert(require("parley").reconcile({ parley = 1, rules = { { script = rule } } }))
      local log = run.outcomes[1].log[1]
      local rendered = rendered_names(page("rule_context"))
      local missing, seen = {}, 0
      for key, kind in log:gmatch("(%w+)=(%w+)") do
         seen = seen + 1
         local names = kind == "function" and { "ctx:" .. key, "ctx." .. key } or { "ctx." .. key }
         local found = false
         for _, n in ipairs(names) do found = found or rendered[n] end
         if not found then missing[#missing + 1] = "ctx." .. key .. " (" .. kind .. ")" end
      end
      assert.equal(4, seen, log)
      assert.same({}, missing)
   end)

   it("is made by make docs, with LDoc", function()
      local makefile = support.read(top .. "/Makefile")
      assert.matches("\ndocs:", makefile)
      assert.matches("ldoc", makefile:match("\ndocs:[^\n]*\n[^\n]*"))
      local files = ldoc_files()
      for _, f in ipairs({ "lua/parley/init.lua", "lua/parley/yaml.lua", "lua/parley/names.lua",
         "lua/parley/store.lua", "lua/parley/rulekit.lua", "docs/api/rule_context.luadoc" }) do
         local listed = false
         for _, g in ipairs(files) do listed = listed or g == f end
         assert.truthy(listed, f .. " is in config.ld")
      end
      for _, m in ipairs({ "parley", "parley.yaml", "parley.names", "parley.store", "parley.rulekit",
         "rule_context" }) do
         assert.truthy(io.open(out .. "/modules/" .. m .. ".html"), m .. ".html")
      end
   end)
end)

describe("#tools the coverage check", function()
   it("fails for a function with no doc comment, one after a plain comment, and a parameter left out", function()
      local source = [[
--- A module.
-- @module sample
local m = {}

--- Documented, with its parameter.
-- @param a the first
function m.documented(a) end

function m.bare(b) end

-- a comment, but not a doc comment
function m.plain() end

--- Documented, but y is not.
-- @tparam number x
function m.half(x, y) end

return m
]]
      local file = support.write(support.tmpname("sample.lua"), source)
      local dir = run_ldoc(file, support.tmpname("sample-docs"))
      local sample = assert(load(source))()
      assert.same({
         "sample: bare has no doc comment",
         "sample: half's parameter y has no @param",
         "sample: plain has no doc comment",
      }, missing_docs(functions_of(sample), rendered_names(support.read(dir .. "/index.html")), source, "", "sample"))
   end)
end)
