-- SPDX-License-Identifier: MIT
-- The JSON report, for other tools and later runs: one object per line, the run, the history
-- since the previous run, each rule outcome, then each finding (docs/reports.md).

local json = require "parley.json"
local common = require "parley.report.common"

local json_report = {}

-- The report gives where each finding's first evidence record was written (model.positions):
-- one position a finding, as in the other formats, so the file stays as small.
json_report.positions = true
-- and the records behind each finding as data (common.evidence_records): every source of its
-- claims and lists with via/origin, its exchanges' mediators and transfers by category and region
json_report.records = "evidence"

local function run_line(model)
   local r = model.run
   return json.encode({
      type = "run", id = r.id, config = r.config, config_sha256 = r.config_sha256,
      started_at = r.started_at, finished_at = r.finished_at, status = r.status,
      imports = r.imports, resolutions = r.resolutions, share = model.share,
   })
end

local function history_line(h)
   local resolved = {}
   for i, f in ipairs(h.resolved) do
      resolved[i] = { rule = f.rule, severity = f.severity, message = f.message, fingerprint = f.fingerprint }
   end
   local corrected = {}
   for i, c in ipairs(h.corrected or {}) do
      corrected[i] = { rule = c.to.rule, severity = c.to.severity, from = c.from.fingerprint, to = c.to.fingerprint,
         message_before = c.from.message, replaced = c.replaced }
   end
   return json.encode({
      type = "history", previous = h.a and h.a.id, new = #h.new, persisting = #h.persisting,
      resolved = resolved, corrected = corrected, rules_changed = h.rules_changed, rules_added = h.rules_added,
      rules_removed = h.rules_removed, corrections = h.corrections,
   })
end

local function outcome_line(o)
   return json.encode({
      type = "outcome", rule = o.rule, version = o.version, outcome = o.outcome, error = o.error,
      limit = o.limit, findings = o.total, truncated = o.truncated,
   })
end

local function finding_line(model, f, change)
   return json.encode({
      type = "finding", rule = f.rule, rule_version = f.rule_version, severity = f.severity, message = f.message,
      fingerprint = f.fingerprint, evidence = f.evidence, measures = f.measures, details = f.details,
      change = change, position = common.first_position(model, f.evidence),
      records = common.evidence_records(model, f.evidence),
   })
end

function json_report.render(model)
   local out = { run_line(model) }
   local h = model.history
   if h then out[#out + 1] = history_line(h) end
   for _, o in ipairs(model.outcomes) do out[#out + 1] = outcome_line(o) end
   for i, f in ipairs(model.findings) do out[#out + 1] = finding_line(model, f, h and h.change[i] or nil) end
   return table.concat(out, "\n") .. "\n"
end

return json_report
