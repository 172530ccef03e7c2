-- The SARIF 2.1.0 report (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one run of the
-- tool "parley" with its rules (stable ids: the rule ids of the config), a result per
-- finding with its level mapped from the severity (critical and high: error; medium: warning;
-- low and info: note), its fingerprint as a partial fingerprint, and its evidence ids as
-- logical locations; rules that failed are tool execution notifications, and the history
-- since the previous run is each result's baselineState (docs/reports.md).

local vocab = require "parley.vocab"
local json = require "parley.json"
local common = require "parley.report.common"

local sarif = {}

local SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
local FINGERPRINT = "parley/v1" -- the name of the partial fingerprint

-- The SARIF level of each severity; a spec checks it covers vocab.SEVERITIES.
sarif.LEVELS = { critical = "error", high = "error", medium = "warning", low = "note", info = "note" }

local BASELINE = { new = "new", persisting = "unchanged" }

local function locations(f)
   local logical = {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      for _, id in ipairs(common.ids(f.evidence, kind)) do
         logical[#logical + 1] = { name = id, fullyQualifiedName = kind .. "/" .. id, kind = "object" }
      end
   end
   if #logical == 0 then return nil end
   return { { logicalLocations = logical } }
end

local function nonempty(t)
   return next(t) ~= nil and t or nil
end

-- The rule descriptors, the run's rules first and then any rule only a finding names; and
-- each rule's index among them.
local function rule_descriptors(model)
   local rules, index = {}, {}
   local function add_rule(id, version, description)
      if index[id] then return end
      local r = { id = id, name = id, shortDescription = { text = description or id },
         properties = { version = version or "" } }
      rules[#rules + 1] = r
      index[id] = #rules - 1
   end
   for _, r in ipairs(model.rules) do add_rule(r.id, r.version, r.description) end
   for _, f in ipairs(model.findings) do add_rule(f.rule, f.rule_version) end
   return rules, index
end

local function result(model, index, i, f)
   local measures = {}
   for _, m in ipairs(common.measures(f.measures)) do measures[m.name] = m.value end
   return {
      ruleId = f.rule, ruleIndex = index[f.rule], level = sarif.LEVELS[f.severity] or "warning",
      message = { text = f.message },
      partialFingerprints = { [FINGERPRINT] = f.fingerprint },
      locations = locations(f),
      baselineState = BASELINE[common.change(model, i)],
      properties = { severity = f.severity, ruleVersion = f.rule_version, measures = nonempty(measures) },
   }
end

-- The rules that failed, and those whose findings were cut at the limit.
local function notifications(model, index)
   local out = {}
   for _, o in ipairs(model.outcomes) do
      if o.outcome == "error" then
         out[#out + 1] = {
            level = "error", message = { text = string.format("rule %s failed: %s", o.rule, o.error or "") },
            descriptor = { id = o.rule, index = index[o.rule] }, properties = { limit = o.limit },
         }
      elseif o.truncated then
         out[#out + 1] = {
            level = "warning", message = { text = string.format("rule %s reported %d findings; the first %d were kept",
               o.rule, o.total or 0, model.kept[o.rule] or 0) },
            descriptor = { id = o.rule, index = index[o.rule] }, properties = { limit = "findings" },
         }
      end
   end
   return nonempty(out)
end

-- The findings of the previous run that this one no longer has (nil when none).
local function resolved(h)
   if not h or #h.resolved == 0 then return nil end
   local out = {}
   for k, f in ipairs(h.resolved) do
      out[k] = { ruleId = f.rule, fingerprint = f.fingerprint, severity = f.severity, message = f.message }
   end
   return out
end

function sarif.render(model)
   local rules, index = rule_descriptors(model)
   local results = {}
   for i, f in ipairs(model.findings) do results[i] = result(model, index, i, f) end
   local r, h = model.run, model.history
   local doc = {
      ["$schema"] = SCHEMA,
      version = "2.1.0",
      runs = { {
         tool = { driver = { name = "parley", version = tostring(model.version), rules = rules } },
         automationDetails = { id = string.format("%s/%s", tostring(r.config), tostring(r.id)) },
         invocations = { {
            executionSuccessful = r.status == "ok",
            startTimeUtc = r.started_at, endTimeUtc = r.finished_at,
            toolExecutionNotifications = notifications(model, index),
         } },
         results = results,
         properties = { run = r.id, config = r.config, configSha256 = r.config_sha256,
            previousRun = h and h.a and h.a.id or nil, resolved = resolved(h), share = model.share },
      } },
   }
   return json.encode(doc) .. "\n"
end

return sarif
