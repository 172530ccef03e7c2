-- SPDX-License-Identifier: MIT
-- The SARIF report against the official SARIF 2.1.0 schema (spec/sarif-schema-2.1.0.json,
-- vendored with its licence: spec/sarif-schema-2.1.0.README.md), validated by Debian's
-- python3-jsonschema (`make deps`) through spec/sarif_validate.py: the nine built-in rules on
-- bench/gen.lua's datasets at scales 50 and 200 (bench/report.lua validates scale 2000, too
-- slow for a spec), and a run with a failed rule and a truncated one (tool execution
-- notifications); and each result's physical location, the file and line of its first evidence
-- record. Pending, with the reason, without the validator.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

-- (without the sanitizer run's preload: that is for parley, not for Python)
local NO_PRELOAD = "env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS "
local PYTHON
for _, p in ipairs({ "/usr/bin/python3", "python3" }) do
   local code = support.sh(NO_PRELOAD .. p .. " -c 'import jsonschema'")
   if code == 0 then
      PYTHON = p
      break
   end
end
local SCHEMA = support.top .. "/spec/sarif-schema-2.1.0.json"

-- Validates the SARIF text; returns true, or false and what the validator said.
local function validate(text)
   local path = support.tmpname("report.sarif")
   support.write(path, text)
   local code, out = support.sh(string.format("%s%s %s %s %s", NO_PRELOAD, PYTHON, support.quote(support.top ..
      "/spec/sarif_validate.py"), support.quote(SCHEMA), support.quote(path)))
   return code == 0, out
end

-- The nine rules on the generated dataset of scale, imported from a YAML file (so the results
-- have the file and line of their evidence).
local function scale_run(scale)
   local generate = dofile(support.top .. "/bench/gen.lua")
   local store = support.tmpname("scale-" .. scale .. ".db")
   local file = support.tmpname("scale-" .. scale .. ".yaml")
   support.write(file, require("parley.yaml").dump((generate(scale, 1))))
   local db = assert(parley.open(store))
   assert(db:import(file))
   db:close()
   local config = { parley = 1, store = store, rules = {}, limits = { seconds = 600, instructions = 100000000000 } }
   for i, r in ipairs(require "parley.rules") do config.rules[i] = { use = r } end
   return assert(parley.reconcile(config, { jobs = 1 }))
end

describe("#sarif the SARIF report against the official 2.1.0 schema", function()
   if not PYTHON then
      pending("no python3 with jsonschema: apt-get install -y python3-jsonschema (make deps)")
      return
   end

   it("the validator rejects what the schema forbids: the same location twice in a result", function()
      local doc = { version = "2.1.0", runs = { { tool = { driver = { name = "parley" } }, results = { {
         message = { text = "m" }, locations = { { logicalLocations = {
            { name = "p-1", fullyQualifiedName = "persons/p-1", kind = "object" },
            { name = "p-1", fullyQualifiedName = "persons/p-1", kind = "object" } } } } } } } } }
      local ok, out = validate(json.encode(doc))
      assert.is_false(ok)
      assert.matches("non%-unique elements", out)
   end)

   for _, scale in ipairs({ 50, 200 }) do
      it("is valid at bench/gen.lua scale " .. scale .. ", each result's locations unique", function()
         local run = scale_run(scale)
         local text = assert(run:report("sarif"))
         local ok, out = validate(text)
         assert.is_true(ok, out)
         local doc = json.decode(text)
         local r = doc.runs[1]
         assert.equal(#run.findings, #r.results)
         local overlap, placed = 0, 0
         for _, res in ipairs(r.results) do
            if res.ruleId == "list_overlap" then overlap = overlap + 1 end
            local physical = res.locations and res.locations[1].physicalLocation
            if physical then
               placed = placed + 1
               assert.matches("scale%-" .. scale .. "%.yaml$", physical.artifactLocation.uri)
               assert.is_true(physical.region.startLine >= 1 and physical.region.startColumn >= 1)
            end
            local seen = {}
            for _, l in ipairs(res.locations and res.locations[1].logicalLocations or {}) do
               assert.is_nil(seen[l.fullyQualifiedName], l.fullyQualifiedName)
               seen[l.fullyQualifiedName] = true
            end
         end
         assert.is_true(overlap > 0, "no list_overlap result: the case of a person on both lists is not tested")
         -- every result with evidence points at its first evidence record
         local with_evidence = 0
         for _, f in ipairs(run.findings) do
            if next(f.evidence or {}) then with_evidence = with_evidence + 1 end
         end
         assert.equal(with_evidence, placed)
      end)
   end

   it("names rules in words, describes them from their docs, and gives the tool's versions", function()
      local run = assert(parley.reconcile({ data = { "dataset.yaml" }, rules = { { use = "count_gap" },
         { use = "stale_claim" } } }, { base = support.top .. "/examples/caucasus-2021" }))
      local text = assert(run:report("sarif"))
      assert.is_true(validate(text))
      local driver = json.decode(text).runs[1].tool.driver
      assert.equal(tostring(parley.version), driver.version)
      assert.matches("^%d+%.%d+%.%d+", driver.semanticVersion)
      assert.matches("^file:///.*/docs/reports%.md$", driver.informationUri)
      local rule = driver.rules[1]
      assert.equal("count_gap", rule.id)
      assert.equal("CountGap", rule.name)
      assert.equal("StaleClaim", driver.rules[2].name)
      local doc = support.read(support.top .. "/docs/rules/count_gap.md")
      assert.equal(doc, rule.help.markdown)
      assert.matches("^Two parties count the same thing differently", rule.fullDescription.text)
      assert.equal(rule.fullDescription.text, rule.help.text)
      assert.matches("^file:///.*/docs/rules/count_gap%.md$", rule.helpUri)
      -- a base URI where the docs are published replaces the file: URIs
      local published = json.decode(assert(run:report("sarif", nil, { docs_uri = "https://example.org/docs/rules" })))
      assert.equal("https://example.org/docs/rules/count_gap.md", published.runs[1].tool.driver.rules[1].helpUri)
   end)

   it("points each result at the dataset file, line and column of its first evidence record", function()
      local dir = support.tmpname("sarif-where")
      os.execute("mkdir -p " .. support.quote(dir .. "/data"))
      local dataset = support.read(support.top .. "/examples/caucasus-2021/dataset.yaml")
      support.write(dir .. "/data/dataset.yaml", dataset)
      local store = dir .. "/store.db"
      local run = assert(parley.reconcile({ store = "store.db", data = { "data/dataset.yaml" },
         rules = { { use = "count_gap", with = { max_ratio = 1.5, scopes = "overlap" } } } }, { base = dir }))
      assert.equal(1, #run.findings)
      local first = run.findings[1].evidence.claims[1]
      -- the line where that claim's mapping starts, and the column of its first key
      local line_no, column = 0, nil
      for l in (dataset .. "\n"):gmatch("([^\n]*)\n") do
         line_no = line_no + 1
         local at = l:find("id: " .. first:gsub("%p", "%%%0") .. "$")
         if at then
            column = at
            break
         end
      end
      assert.truthy(column)
      local text = assert(run:report("sarif", nil, { root = dir }))
      assert.is_true(validate(text))
      local doc = json.decode(text).runs[1]
      local physical = doc.results[1].locations[1].physicalLocation
      assert.same({ uri = "data/dataset.yaml", uriBaseId = "%SRCROOT%" }, physical.artifactLocation)
      assert.same({ startLine = line_no, startColumn = column }, physical.region)
      assert.matches("^file:///.*/$", doc.originalUriBaseIds["%SRCROOT%"].uri)
      -- outside the root: an absolute file: URI
      local outside = json.decode(assert(run:report("sarif", nil, { root = support.top }))).runs[1]
      assert.matches("^file:///.*/data/dataset%.yaml$", outside.results[1].locations[1].physicalLocation
         .artifactLocation.uri)
      assert.is_nil(outside.results[1].locations[1].physicalLocation.artifactLocation.uriBaseId)
      assert.is_nil(outside.originalUriBaseIds)
      -- the text, Markdown, HTML and JSON reports say it too, from the stored run as well
      local db = assert(parley.open(store, { readonly = true }))
      local stored = assert(require("parley.history").load_run(db, run.id))
      local where = dir .. "/data/dataset.yaml:" .. line_no .. ":" .. column
      local text_report = assert(stored:report("text", nil, { db = db }))
      assert.matches("    at: " .. where .. " (claims " .. first .. ")", text_report, 1, true)
      local md = assert(stored:report("markdown", nil, { db = db })):gsub("\\", "")
      assert.matches("- written at: " .. where .. " (claims " .. first .. ")", md, 1, true)
      local html = assert(stored:report("html", nil, { db = db })):gsub("<wbr>", "")
      assert.matches('<th scope="row">written at</th><td class="ids">' .. where .. " (claims " .. first .. ")", html,
         1, true)
      local finding
      for l in assert(stored:report("json", nil, { db = db })):gmatch("[^\n]+") do
         local o = json.decode(l)
         if o.type == "finding" then finding = o end
      end
      assert.same({ kind = "claims", id = first, file = dir .. "/data/dataset.yaml", line = line_no, column = column },
         finding.position)
      db:close()
      -- a table's row: its line, no column; a record imported as a Lua table: no position
      local tables = support.top .. "/spec/fixtures/tables/"
      db = assert(parley.open(store))
      assert(db:import({ parley = 1, sources = { { id = "arm-ombudsman-2023", title = "Reports", party = "ARM" } } }))
      assert(db:import({ table = tables .. "claims.csv", map = tables .. "claims.map.yaml" }))
      local rows = {}
      for r in db:query("SELECT r.kind, r.id, r.line, r.col, coalesce(r.file, i.file) AS file FROM records r " ..
         "JOIN imports i ON i.id = r.import WHERE r.import > 1 ORDER BY r.id") do
         rows[#rows + 1] = r
      end
      db:close()
      assert.same({ { kind = "sources", id = "arm-ombudsman-2023" },
         { kind = "claims", id = "arm-ombudsman-d-2023-10", line = 2, file = tables .. "claims.csv" },
         { kind = "claims", id = "arm-ombudsman-d-2023-11", line = 3, file = tables .. "claims.csv" } }, {
         rows[1], rows[2], rows[3] })
   end)

   it("is valid with a rule that failed and one cut at the findings limit", function()
      local dir = support.tmpname("sarif-notify")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/fails.lua", 'return { id = "fails", version = "1.0.0", description = "fails", ' ..
         'run = function() error("on purpose") end }')
      support.write(dir .. "/dataset.yaml", support.read(support.top .. "/examples/caucasus-2021/dataset.yaml"))
      local run = assert(parley.reconcile({ data = { "dataset.yaml" },
         rules = { { use = "count_gap" }, { use = "corroboration" }, { script = "fails.lua" } },
         limits = { findings = 1 } }, { base = dir }))
      local text = assert(run:report("sarif"))
      local ok, out = validate(text)
      assert.is_true(ok, out)
      local notes = json.decode(text).runs[1].invocations[1].toolExecutionNotifications
      assert.is_true(#notes >= 2)
   end)
end)
