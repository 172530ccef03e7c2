-- parley: a store of what the parties to a conflict exchanged and claimed, and the rules that
-- reconcile their claims. This is the public module; see README.md and docs/.

local core = require "parley.core"
local schema = require "parley.schema"
local store = require "parley.store"

local parley = {
   version = core.version,
   null = core.null,
   blob = core.blob,
   schema_version = schema.VERSION,
}

-- parley.open(path, opts): opens or creates a store (store.open has the options). Returns the
-- store, or nil and a message.
parley.open = store.open

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
