-- A run: what parley.reconcile returns and history.load_run reads back from a store. It
-- holds the findings (sorted, most severe first), the outcome of each rule and the rules'
-- versions, and knows the store it was made on. Reports extend it with run:report (required
-- from parley.report, a layer above, so this module needs neither the engine nor reports).

local store = require "parley.store"
local vocab = require "parley.vocab"

local run = {}

local Run = {}
Run.__index = Run
run.Run = Run

-- A run on an in-memory store keeps its temporary store until the run itself is collected,
-- so it can still be reported (reports read the claims and exchanges behind the findings).
Run.__gc = function(self)
   if self.temporary then
      for _, suffix in ipairs({ "", "-wal", "-shm" }) do os.remove(self.temporary .. suffix) end
   end
end

-- run.new(fields): a run from its fields (config_name, findings, outcomes, rules, ...).
function run.new(fields)
   return setmetatable(fields, Run)
end

-- The store a run was made on, open read-only, for reports that show the data behind it.
function Run:open_store()
   local path = self.temporary or self.store
   if not path or path == ":memory:" then return nil, "this run's store is gone" end
   return store.open(path, { readonly = true })
end

-- The counts a summary needs: findings per severity, outcomes per kind.
function Run:counts()
   local c = { findings = #self.findings, severity = {}, outcomes = {} }
   for _, s in ipairs(vocab.SEVERITIES) do c.severity[s] = 0 end
   for _, f in ipairs(self.findings) do c.severity[f.severity] = c.severity[f.severity] + 1 end
   for _, o in ipairs(self.outcomes) do c.outcomes[o.outcome] = (c.outcomes[o.outcome] or 0) + 1 end
   return c
end

return run
