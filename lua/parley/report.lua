-- Writing a run: `text`, a summary for a terminal, and `json`, one object per line (the run,
-- then each rule outcome, then each finding), which other tools and later runs can read.

local json = require "parley.json"
local config = require "parley.config"

local report = {}

local writers = {}

local COLOURS = { critical = "\27[1;31m", high = "\27[31m", medium = "\27[33m", low = "\27[36m", info = "\27[2m" }

local function evidence_text(evidence)
   local parts = {}
   for _, kind in ipairs({ "claims", "lists", "exchanges", "persons", "sources", "parties" }) do
      local ids = evidence and evidence[kind]
      if ids and #ids > 0 then parts[#parts + 1] = kind .. ": " .. table.concat(ids, ", ") end
   end
   return table.concat(parts, "; ")
end

local function measures_text(measures)
   local names = {}
   for k in pairs(measures or {}) do names[#names + 1] = k end
   table.sort(names)
   for i, k in ipairs(names) do
      local v = measures[k]
      if math.type(v) == "float" then v = string.format("%.4g", v) end
      names[i] = k .. "=" .. tostring(v)
   end
   return table.concat(names, " ")
end

-- opts.colour: ANSI colours for a terminal.
function writers.text(run, opts)
   local out = {}
   local function line(...) out[#out + 1] = table.concat({ ... }) end
   local c = run:counts()
   local function paint(sev, s)
      return opts.colour and (COLOURS[sev] .. s .. "\27[0m") or s
   end
   for _, f in ipairs(run.findings) do
      line(paint(f.severity, string.format("[%s]", f.severity)), " ", f.rule, ": ", f.message)
      local ev, ms = evidence_text(f.evidence), measures_text(f.measures)
      if ev ~= "" then line("    evidence: ", ev) end
      if ms ~= "" then line("    measures: ", ms) end
   end
   local kept = {}
   for _, f in ipairs(run.findings) do kept[f.rule] = (kept[f.rule] or 0) + 1 end
   for _, o in ipairs(run.outcomes) do
      if o.outcome == "error" then line(paint("critical", "[error]"), " ", o.rule, ": ", o.error or "failed") end
      if o.truncated then
         line(string.format("[note] %s: reported %d findings; the first %d were kept", o.rule, o.total,
            kept[o.rule] or 0))
      end
   end
   local sev = {}
   for i = #config.SEVERITIES, 1, -1 do
      local s = config.SEVERITIES[i]
      if c.severity[s] > 0 then sev[#sev + 1] = string.format("%d %s", c.severity[s], s) end
   end
   line(string.format("run %s: %d rule%s, %d finding%s%s; %d rule error%s", tostring(run.id), #run.outcomes,
      #run.outcomes == 1 and "" or "s", c.findings, c.findings == 1 and "" or "s",
      #sev > 0 and (" (" .. table.concat(sev, ", ") .. ")") or "", c.outcomes.error or 0,
      (c.outcomes.error or 0) == 1 and "" or "s"))
   return table.concat(out, "\n") .. "\n"
end

function writers.json(run)
   local out = {}
   out[1] = json.encode({
      type = "run", id = run.id, config = run.config_name, config_sha256 = run.config_sha256,
      started_at = run.started_at, finished_at = run.finished_at, status = run.status,
   })
   for _, o in ipairs(run.outcomes) do
      out[#out + 1] = json.encode({
         type = "outcome", rule = o.rule, version = o.version, outcome = o.outcome, error = o.error,
         limit = o.limit, findings = o.total, truncated = o.truncated,
      })
   end
   for _, f in ipairs(run.findings) do
      out[#out + 1] = json.encode({
         type = "finding", rule = f.rule, rule_version = f.rule_version, severity = f.severity, message = f.message,
         fingerprint = f.fingerprint, evidence = f.evidence, measures = f.measures, details = f.details,
      })
   end
   return table.concat(out, "\n") .. "\n"
end

-- Writes run in format to path (or returns the text when path is nil). Returns true (or the
-- text), or nil and a message.
function report.write(run, format, path, opts)
   local writer = writers[format]
   if not writer then
      return nil, string.format("unknown report format '%s' (known: %s)", tostring(format),
         table.concat(config.FORMATS, ", "))
   end
   local text = writer(run, opts or {})
   if not path then return text end
   local f, err = io.open(path, "wb")
   if not f then return nil, "cannot write report: " .. err end
   f:write(text)
   f:close()
   return true
end

return report
