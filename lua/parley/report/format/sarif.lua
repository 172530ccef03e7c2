-- SPDX-License-Identifier: MIT
-- The SARIF 2.1.0 report (https://docs.oasis-open.org/sarif/sarif/v2.1.0/): one run of the
-- tool "parley" (its version and a semantic version) with its rules (stable ids: the rule ids
-- of the config; a name in words; descriptions and help from the rule's doc, docs/rules/ID.md,
-- where there is one), a result per finding with its level mapped from the severity (critical
-- and high: error; medium: warning; low and info: note), its fingerprint as a partial
-- fingerprint, its evidence ids as logical locations, each once, and the dataset file, line and
-- column of its first evidence record as its physical location; rules that failed are
-- tool execution notifications, and the history since the previous run is each result's
-- baselineState (docs/reports.md). spec/sarif_spec.lua validates it against the official schema.

local core = require "parley.core"
local vocab = require "parley.vocab"
local json = require "parley.json"
local common = require "parley.report.common"

local sarif = {}

local SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
local FINGERPRINT = "parley/v1" -- the name of the partial fingerprint

-- The SARIF level of each severity; a spec checks it covers vocab.SEVERITIES.
sarif.LEVELS = { critical = "error", high = "error", medium = "warning", low = "note", info = "note" }

local BASELINE = { new = "new", persisting = "unchanged", corrected = "updated" }

-- The report shows where the evidence was written (model.positions).
sarif.positions = true
-- and the records behind each finding, as data in its properties (common.evidence_records)
sarif.records = "evidence"

-- The base of the artifacts' relative URIs: the directory the report is made from.
local ROOT_ID = "%SRCROOT%"

local function uri_escape(path)
   return (path:gsub("[^%w/%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- A dataset's path as stored (as given to the import: relative to the directory it ran in, or
-- absolute) as an artifactLocation: relative to root (uriBaseId %SRCROOT%) when it is relative
-- or lies under root, else an absolute file: URI.
local function artifact(path, root)
   local n
   repeat path, n = path:gsub("/%./", "/") until n == 0
   path = path:gsub("^%./", "")
   if path:sub(1, 1) == "/" then
      if root and path:sub(1, #root + 1) == root .. "/" then
         return { uri = uri_escape(path:sub(#root + 2)), uriBaseId = ROOT_ID }, true
      end
      return { uri = "file://" .. uri_escape(path) }, false
   end
   return { uri = uri_escape(path), uriBaseId = ROOT_ID }, true
end

-- The evidence as logical locations, each once (the schema wants them unique; a finding may
-- name a person on both of the lists it compares), and where the first evidence record was
-- written as the physical location (when the store kept it). Returns the locations and whether
-- the physical one is relative to %SRCROOT%.
local function locations(model, f, root)
   local logical, seen = {}, {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      for _, id in ipairs(common.ids(f.evidence, kind)) do
         local name = kind .. "/" .. id
         if not seen[name] then
            seen[name] = true
            logical[#logical + 1] = { name = id, fullyQualifiedName = name, kind = "object" }
         end
      end
   end
   if #logical == 0 then return nil end
   local at, physical, relative = common.first_position(model, f.evidence), nil, false
   if at then
      local loc
      loc, relative = artifact(at.file, root)
      physical = { artifactLocation = loc, region = { startLine = at.line, startColumn = at.column } }
   end
   return { { physicalLocation = physical, logicalLocations = logical } }, relative
end

local function nonempty(t)
   return next(t) ~= nil and t or nil
end

-- The directory of the rules' docs, beside the modules in a source tree (nil when installed
-- without them).
local DOCS = (function()
   local path = package.searchpath("parley.report.format.sarif", package.path)
   local top = path and path:match("^(.-)/?lua/parley/report/format/sarif%.lua$")
   if not top then return nil end
   if top == "" then top = "." end
   local dir = top .. "/docs/rules"
   local f = io.open(dir .. "/count_gap.md", "rb")
   if not f then return nil end
   f:close()
   return dir
end)()

-- An absolute file: URI of a path.
local function file_uri(path)
   if path:sub(1, 1) ~= "/" then
      local p = io.popen("pwd")
      local cwd = p and p:read("l")
      if p then p:close() end
      path = (cwd or "") .. "/" .. path:gsub("^%./", "")
   end
   return "file://" .. path:gsub("[^%w/%-%._~]", function(c) return string.format("%%%02X", c:byte()) end)
end

-- A rule's doc (docs/rules/ID.md): its text, its first paragraph as plain text, and its URI;
-- nil when there is none.
local docs_cache = {}
local function rule_doc(id, docs_uri)
   if not DOCS or not tostring(id):match("^[%w_]+$") then return nil end
   local key = id .. "\0" .. tostring(docs_uri)
   if docs_cache[key] ~= nil then return docs_cache[key] or nil end
   local f = io.open(DOCS .. "/" .. id .. ".md", "rb")
   local doc = false
   if f then
      local text = f:read("a")
      f:close()
      -- the first paragraph after the title and the `use:` line, as plain text
      local para
      for p in (text .. "\n\n"):gmatch("(.-)\n%s*\n") do
         if not p:match("^#") and not p:match("^`use:") and p:match("%S") then
            para = p
            break
         end
      end
      para = (para or ""):gsub("%s+", " "):gsub("%[([^%]]*)%]%([^)]*%)", "%1"):gsub("[`*]", "")
      doc = { markdown = text, first = para, uri = (docs_uri and (docs_uri:gsub("/?$", "/") .. id .. ".md")) or
         file_uri(DOCS .. "/" .. id .. ".md") }
   end
   docs_cache[key] = doc
   return doc or nil
end

-- "count_gap" -> "CountGap": the rule's id in words, as SARIF's examples name rules.
local function rule_name(id)
   local name = tostring(id):gsub("[^%w]+", " "):gsub("(%w)(%w*)", function(a, b) return a:upper() .. b end)
      :gsub("%s+", "")
   return name ~= "" and name or tostring(id)
end

-- The rule descriptors, the run's rules first and then any rule only a finding names; and
-- each rule's index among them.
local function rule_descriptors(model, opts)
   local rules, index = {}, {}
   local function add_rule(id, version, description)
      if index[id] then return end
      local doc = rule_doc(id, opts.docs_uri)
      local short = description or (doc and doc.first) or id
      local r = { id = id, name = rule_name(id), shortDescription = { text = short },
         fullDescription = { text = doc and doc.first ~= "" and doc.first or short },
         help = doc and { text = doc.first ~= "" and doc.first or short, markdown = doc.markdown } or { text = short },
         helpUri = doc and doc.uri or nil,
         properties = { version = version or "" } }
      rules[#rules + 1] = r
      index[id] = #rules - 1
   end
   for _, r in ipairs(model.rules) do add_rule(r.id, r.version, r.description) end
   for _, f in ipairs(model.findings) do add_rule(f.rule, f.rule_version) end
   return rules, index
end

-- The tool's version as SemVer: a build from the source tree ("scm") is 0.0.0-scm.
local function semantic_version(v)
   v = tostring(v)
   if v:match("^%d+%.%d+%.%d+") then return v end
   return "0.0.0-" .. (v:gsub("[^%w%-%.]", "-"))
end

local function result(model, index, i, f, root, correction)
   local measures = {}
   for _, m in ipairs(common.measures(f.measures)) do measures[m.name] = m.value end
   local where, relative = locations(model, f, root)
   return {
      ruleId = f.rule, ruleIndex = index[f.rule], level = sarif.LEVELS[f.severity] or "warning",
      message = { text = f.message },
      partialFingerprints = { [FINGERPRINT] = f.fingerprint },
      locations = where,
      baselineState = BASELINE[common.change(model, i)],
      properties = { severity = f.severity, ruleVersion = f.rule_version, measures = nonempty(measures),
         records = common.evidence_records(model, f.evidence),
         correctionOf = correction and { fingerprint = correction.from.fingerprint, replaced = correction.replaced }
            or nil },
   }, relative
end

-- The rules that failed, and those whose findings were cut at the limit.
local function notifications(model, index)
   local out = {}
   for _, o in ipairs(model.outcomes) do
      if o.outcome == "error" then
         out[#out + 1] = {
            level = "error", message = { text = string.format("rule %s failed: %s", o.rule, o.error or "") },
            descriptor = { id = o.rule, index = index[o.rule] }, properties = o.limit and { limit = o.limit } or nil,
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

-- opts.docs_uri: where the rules' docs are published (a base URI; else their file: URI);
-- opts.root: the directory the results' dataset paths are relative to (%SRCROOT%; default the
-- current directory).
function sarif.render(model, opts)
   opts = opts or {}
   local rules, index = rule_descriptors(model, opts)
   local root = opts.root and (core.real_path(opts.root) or opts.root) or core.real_path(".")
   if root then root = root:gsub("/$", "") end
   if root == "" then root = nil end
   local results, relative = {}, false
   local corrections = common.corrections_by_index(model)
   for i, f in ipairs(model.findings) do
      local rel
      results[i], rel = result(model, index, i, f, root, corrections[i])
      relative = relative or rel
   end
   local base_ids = relative and { [ROOT_ID] = {
      uri = root and (file_uri(root) .. "/") or nil,
      description = { text = "The directory the report was made from: the datasets' paths (as given to parley " ..
         "import, or as a config's data: resolves them) are relative to it" } } } or nil
   local r, h = model.run, model.history
   local doc = {
      ["$schema"] = SCHEMA,
      version = "2.1.0",
      runs = { {
         tool = { driver = { name = "parley", version = tostring(model.version),
            semanticVersion = semantic_version(model.version),
            informationUri = opts.docs_uri or (DOCS and file_uri((DOCS:gsub("/rules$", "/reports.md")))) or nil,
            rules = rules } },
         automationDetails = { id = string.format("%s/%s", tostring(r.config), r.id ~= nil and tostring(r.id) or
            "not-stored") },
         invocations = { {
            executionSuccessful = r.status == "ok",
            startTimeUtc = r.started_at, endTimeUtc = r.finished_at,
            toolExecutionNotifications = notifications(model, index),
         } },
         originalUriBaseIds = base_ids,
         results = results,
         properties = { run = r.id, config = r.config, configSha256 = r.config_sha256,
            previousRun = h and h.a and h.a.id or nil, resolved = resolved(h), share = model.share },
      } },
   }
   return json.encode(doc) .. "\n"
end

return sarif
