-- SPDX-License-Identifier: MIT
-- parley: a store of what the parties to a conflict exchanged and claimed, and the rules that
-- reconcile their claims. This is the public module; see README.md and docs/.

local core = require "parley.core"
local schema = require "parley.schema"
local store = require "parley.store"
local rulekit = require "parley.rulekit"

local parley = {
   version = core.version,
   null = core.null,
   blob = core.blob,
   schema_version = schema.VERSION,
}

-- parley.open(path, opts): opens or creates a store (store.open has the options). Returns the
-- store, or nil and a message.
parley.open = store.open

-- Reading any count the way the rules read it. A count is {exact = N}, {best = N, approx =
-- true}, or a range {low =, high =, best =}; `claim.count.best` alone is nil for three kinds of
-- four, so scripts use these.
-- parley.count_range(count [, margin]) -> best, low, high: an open end is math.huge (or 0 below);
-- an approximate count with no range of its own is best +- margin * best (margin default 0).
function parley.count_range(count, margin)
   if type(count) ~= "table" then
      error("bad argument #1 to 'count_range' (count table expected, got " .. type(count) .. ")", 2)
   end
   return rulekit.range(count, margin or 0)
end

-- parley.count_text(count) -> the count as a reader says it: "15", "~200", "38-120", "at least 100".
function parley.count_text(count)
   if type(count) ~= "table" then
      error("bad argument #1 to 'count_text' (count table expected, got " .. type(count) .. ")", 2)
   end
   return rulekit.say(count)
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
