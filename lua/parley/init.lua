-- parley: a store of what the parties to a conflict exchanged and claimed, and the rules that
-- reconcile their claims. This is the public module; see README.md and docs/.

local core = require "parley.core"
local schema = require "parley.schema"
local store = require "parley.store"
local records = require "parley.records"

local parley = {
   version = core.version,
   null = core.null,
   blob = core.blob,
   schema_version = schema.VERSION,
}

-- The typed API joins the C methods of parley.Database.
local Database = core.Database
Database.import = store.import
Database.parties = records.parties
Database.sources = records.sources
Database.claims = records.claims
Database.lists = records.lists
Database.persons = records.persons
Database.exchanges = records.exchanges
Database.imports = records.imports

-- parley.open(path, opts): opens or creates a store and brings its schema up to date.
-- opts.readonly, opts.busy_timeout_ms (default 5000), opts.adopt (add parley's tables to a
-- database that has others). Returns the store, or nil and a message.
function parley.open(path, opts)
   if type(path) ~= "string" then
      error("bad argument #1 to 'open' (path string expected, got " .. type(path) .. ")", 2)
   end
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #2 to 'open' (options table expected, got " .. type(opts) .. ")", 2)
   end
   opts = opts or {}
   local db, err = core.connect(path, opts)
   if not db then return nil, err end
   local ok, why = schema.prepare(db, opts)
   if not ok then
      db:close()
      return nil, why
   end
   return db
end

-- parley.reconcile(config, opts): runs the rules a config names (docs/rules.md). Returns the
-- run, or nil, a message and its kind ("input": bad configuration or data; "failed").
function parley.reconcile(config, opts)
   return require("parley.engine").reconcile(config, opts)
end

-- Submodules load when first used, so `require "parley"` stays cheap.
local lazy = { yaml = "parley.yaml", names = "parley.names", dataset = "parley.dataset", json = "parley.json" }

return setmetatable(parley, {
   __index = function(t, k)
      local name = lazy[k]
      if name then
         local m = require(name)
         rawset(t, k, m)
         return m
      end
   end,
})
