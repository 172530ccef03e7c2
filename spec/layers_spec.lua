-- SPDX-License-Identifier: MIT
-- The shape of the Lua package: every module sits in one layer of docs/architecture.md, a
-- module requires only modules of its own layer or lower, and no chain of requires comes back
-- to where it started. Lazy requires inside functions count like the ones at the top: a
-- require that is only lazy is still a dependency. The layers are read from the document
-- itself, so the map and the code cannot drift apart.
local core = require "parley.core"
local support = require "support"

local function read(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("a")
   f:close()
   return s
end

-- Layer of each module, from the table under "## Layers" in docs/architecture.md: rows
-- "| N | `parley.a`, `parley.b.*` | ... |". A name ending in ".*" stands for a package's modules.
local function layers_of_document(text)
   local exact, prefixes = {}, {}
   text = "\n" .. text
   local section = text:match("\n## Layers\n(.-)\n## ") or text:match("\n## Layers\n(.*)$")
   assert(section, "docs/architecture.md has no '## Layers' section")
   for layer, names in section:gmatch("\n| *(%d+) *| *([^|]+)|") do
      for name in names:gmatch("`([%w%._%*]+)`") do
         if name:sub(-2) == ".*" then
            prefixes[#prefixes + 1] = { prefix = name:sub(1, -2), layer = tonumber(layer) }
         else
            exact[name] = tonumber(layer)
         end
      end
   end
   return function(module)
      if exact[module] then return exact[module] end
      for _, p in ipairs(prefixes) do
         if module:sub(1, #p.prefix) == p.prefix then return p.layer end
      end
   end
end

-- Every Lua file under dir with its module name (lua/parley/x/init.lua is parley.x).
local function modules_under(dir, prefix, out)
   out = out or {}
   for _, e in ipairs(assert(core.list_dir(dir))) do
      local path = dir .. "/" .. e.name
      if e.kind == "directory" then
         modules_under(path, prefix .. e.name .. ".", out)
      elseif e.name:match("%.lua$") then
         local name = e.name:gsub("%.lua$", "")
         out[#out + 1] = { path = path, name = name == "init" and prefix:sub(1, -2) or prefix .. name }
      end
   end
   return out
end

-- The modules a source requires by a literal name: require "x", require("x"), pcall(require, "x").
-- Comments are left out (a comment that shows how to require a module is not a dependency).
local function requires_of(source, self)
   local found, seen = {}, {}
   source = source:gsub("%-%-%[(=*)%[.-%]%1%]", ""):gsub("%-%-[^\n]*", "")
   local function add(name)
      if name:match("^parley") and name ~= self and not seen[name] then
         seen[name] = true
         found[#found + 1] = name
      end
   end
   for name in source:gmatch("require%s*%(?%s*[\"']([%w%._]+)[\"']") do add(name) end
   for name in source:gmatch("pcall%(%s*require%s*,%s*[\"']([%w%._]+)[\"']") do add(name) end
   return found
end

local function graph()
   local modules = modules_under(support.top .. "/lua/parley", "parley.")
   local edges = {}
   for _, m in ipairs(modules) do
      edges[m.name] = requires_of(read(m.path), m.name)
   end
   return modules, edges
end

-- A cycle in the graph as a list of modules, or nil.
local function find_cycle(edges)
   local state, stack = {}, {}
   local function visit(name)
      state[name] = "open"
      stack[#stack + 1] = name
      for _, to in ipairs(edges[name] or {}) do
         if state[to] == "open" then
            local cycle, on = {}, false
            for _, s in ipairs(stack) do
               on = on or s == to
               if on then cycle[#cycle + 1] = s end
            end
            cycle[#cycle + 1] = to
            return cycle
         elseif state[to] == nil then
            local c = visit(to)
            if c then return c end
         end
      end
      stack[#stack] = nil
      state[name] = "done"
   end
   local names = {}
   for name in pairs(edges) do names[#names + 1] = name end
   table.sort(names)
   for _, name in ipairs(names) do
      if state[name] == nil then
         local c = visit(name)
         if c then return c end
      end
   end
end

describe("the layers of the Lua package", function()
   local layer_of = layers_of_document(read(support.top .. "/docs/architecture.md"))
   local modules, edges = graph()

   it("place every module in a layer of docs/architecture.md", function()
      local missing = {}
      for _, m in ipairs(modules) do
         if not layer_of(m.name) then missing[#missing + 1] = m.name end
      end
      table.sort(missing)
      assert.same({}, missing)
   end)

   it("never require upward", function()
      local upward = {}
      for _, m in ipairs(modules) do
         for _, to in ipairs(edges[m.name]) do
            local from_layer, to_layer = layer_of(m.name), layer_of(to)
            if from_layer and to_layer and to_layer > from_layer then
               upward[#upward + 1] = string.format("%s (layer %d) requires %s (layer %d)", m.name, from_layer, to,
                  to_layer)
            end
         end
      end
      table.sort(upward)
      assert.same({}, upward)
   end)

   it("have no require cycle", function()
      local cycle = find_cycle(edges)
      assert.is_nil(cycle and table.concat(cycle, " -> "))
   end)

   it("are checked by a check that can fail: a cycle and an upward edge are found", function()
      assert.same({ "a", "b", "a" }, find_cycle({ a = { "b" }, b = { "a" } }))
      assert.is_nil(find_cycle({ a = { "b" }, b = { "c" }, c = {} }))
      local source = 'local x = require "parley.x" -- not require "parley.w"\n'
         .. 'local function f() return require("parley.y") end\nlocal ok, z = pcall(require, "parley.z")'
      assert.same({ "parley.x", "parley.y", "parley.z" }, requires_of(source))
      local doc_layer = layers_of_document("## Layers\n\n| 0 | `parley.a` | |\n| 1 | `parley.b.*` | |\n")
      assert.equal(0, doc_layer("parley.a"))
      assert.equal(1, doc_layer("parley.b.c"))
      assert.is_nil(doc_layer("parley.c"))
   end)
end)
