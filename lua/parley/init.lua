-- SPDX-License-Identifier: MIT

--- parley: a store of what the parties to a conflict exchanged and claimed, and the rules that
-- reconcile their claims. This is the public module (`require "parley"`); see README.md and docs/.
--
-- Failures follow one rule: a call that returns its answer at once returns nil and a message on
-- bad input or a runtime failure; an iterator raises the message; misuse of the API (a wrong
-- argument type) raises everywhere.
-- @module parley

local core = require "parley.core"
local schema = require "parley.schema"
local store = require "parley.store"
local rulekit = require "parley.rulekit"

-- The module's values: `version` (parley's version, "scm" from a source tree), `null` (what
-- a SQL NULL or a YAML/JSON null reads as, where nil would end a list), `schema_version` (the
-- store schema this parley writes), and the modules `yaml` (parley.yaml), `names`
-- (parley.names), `dataset` (dataset validation) and `json` (JSON with `null`), each loaded
-- when first used.
local parley = {
   version = core.version,
   null = core.null,
   blob = core.blob,
   schema_version = schema.VERSION,
}

--- Marks a string as a BLOB for a SQL parameter (a Lua string binds as TEXT otherwise).
-- @function blob
-- @tparam string bytes the bytes to bind
-- @return the value to pass as the parameter
-- @raise when bytes is not a string

--- Opens or creates a store and brings its schema up to date (older stores are migrated).
-- @function open
-- @tparam string path the SQLite file, or ":memory:"
-- @tparam[opt] table opts `readonly` (boolean), `busy_timeout_ms` (default 5000), `adopt` (add
-- parley's tables to a database that has others, and accept triggers and views on those)
-- @treturn Database the store (see the store API)
-- @return or nil and a message: cannot open, not a parley store, a schema that is not exactly
-- the one parley's migrations make (each difference named; docs/security.md), written by a
-- newer parley
-- @raise when path is not a string or opts not a table
parley.open = store.open

-- Reading any count the way the rules read it. A count is {exact = N}, {best = N, approx =
-- true}, or a range {low =, high =, best =}; `claim.count.best` alone is nil for three kinds of
-- four, so scripts use these.

--- Reads any count as a range and a best value.
-- An open end is math.huge (or 0 below); an approximate count with no range of its own is
-- best +- margin * best.
-- @tparam table count a claim's count: {exact=}, {best=, approx=true} or {low=, high=, best=}
-- @tparam[opt=0] number margin the relative margin around an approximate count
-- @treturn number best the central value
-- @treturn number low
-- @treturn number high
-- @raise when count is not a table
function parley.count_range(count, margin)
   if type(count) ~= "table" then
      error("bad argument #1 to 'count_range' (count table expected, got " .. type(count) .. ")", 2)
   end
   return rulekit.range(count, margin or 0)
end

--- A count as a reader says it: "15", "~200", "38-120", "at least 100".
-- @tparam table count a claim's count
-- @treturn string
-- @raise when count is not a table
function parley.count_text(count)
   if type(count) ~= "table" then
      error("bad argument #1 to 'count_text' (count table expected, got " .. type(count) .. ")", 2)
   end
   return rulekit.say(count)
end

--- Runs the rules a config names (docs/rules.md): imports its data, runs each rule in its own
-- sandbox, stores the run and writes the reports the config asks for.
-- @tparam string|table config the path of a config YAML file, or a table of the same shape
-- @tparam[opt] table opts `jobs` (threads; default: the number of cores), `store` (a store
-- path to use instead of the config's own), `base` (the directory a table config's paths are
-- relative to), `allow_outside` (a config file's paths may lead outside its directory;
-- docs/security.md)
-- @return the run: `run.findings`, `run.outcomes`, `run:counts()`, `run:report(format)`
-- @return or nil, every problem as text, and its kind: "input" (bad configuration or data) or
-- "failed" (a store or report that could not be written)
-- @raise when config is neither a path nor a table
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
