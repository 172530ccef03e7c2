-- SPDX-License-Identifier: MIT
-- The report formats (docs/reports.md): each one parsed back and checked against the run it
-- was written from. The project's data is hostile on purpose: a party name with a <script>,
-- a quote with an <img onerror>, a title with a pipe and a line break, findings whose
-- messages start like spreadsheet formulas.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"
local fixtures = require "fixtures"
local report = require "parley.report"
local history = require "parley.history"

local report_spec = {}

local SCRIPT = "<script>document.title='pwned'</script>"
local IMG = "<img src=x onerror=\"document.title='pwned'\">"

-- The hostile dataset: fixtures.small with a second list (so list_overlap pairs people across
-- scripts) and markup, pipes and line breaks in names, titles and quotes.
function report_spec.dataset()
   local d = fixtures.small()
   d.parties[2].name = "Azerbaijan " .. SCRIPT
   d.sources[1].title = "Swap | of detainees\nand mine maps"
   d.claims[2].text = "around 60 " .. IMG
   d.lists[2] = { id = "aze-list-1", claimant = "AZE", holder = "AZE", subject = "detainees", as_of = "2021-06",
      source = "s-mfa", persons = {
         { person = "p-1", name = "Ованес Петросян", born = 1999 },
         { name = "Ильхам Мамедов", born = 1985 },
      } }
   return d
end

-- A rule whose findings carry hostile messages, and one that never ends.
local ODD_RULE = [[
return { id = "odd", version = "2.0.0", description = "Findings with <b>odd</b> messages | pipes", severity = "low",
   run = function(ctx)
      ctx:finding{ message = "=HYPERLINK(\"http://x\",\"click\")", evidence = { claims = { "arm-200" } } }
      ctx:finding{ severity = "high", message = "+1, \"quoted\"\nsecond line | " .. ]] .. string.format("%q", SCRIPT) ..
   [[, evidence = { parties = { "AZE" }, sources = { "s-mfa" } }, measures = { n = 3, share = 0.25 } }
      ctx:finding{ severity = "critical", message = "-2 @ the border", evidence = { exchanges = { "x-2021-06-12" } } }
      ctx:finding{ severity = "info", message = "@SUM(A1)", evidence = {} }
   end }
]]
local LOOP_RULE = [[return { id = "loop", version = "1", run = function() while true do end end }]]

-- A project directory with the dataset, the rules and a config whose store is a file there.
-- extra: more config lines. Returns the config path and the store path.
function report_spec.project(extra)
   local dir = support.tmpname("report-project")
   os.execute("mkdir -p " .. support.quote(dir))
   support.write(dir .. "/dataset.yaml", json.encode(report_spec.dataset()))
   support.write(dir .. "/odd.lua", ODD_RULE)
   support.write(dir .. "/loop.lua", LOOP_RULE)
   support.write(dir .. "/config.yaml", table.concat({
      "parley: 1", "store: " .. dir .. "/store.db", "data: [dataset.yaml]", "rules:",
      "  - use: count_gap", "    with: {scopes: overlap}", "  - use: list_overlap", "  - script: odd.lua",
      "  - script: loop.lua",
      "limits: {instructions: 20000000, seconds: 10}", extra or "" }, "\n"))
   return dir .. "/config.yaml", dir .. "/store.db", dir
end

-- RFC 4180: a list of records, each a list of fields.
function report_spec.parse_csv(s)
   local rows, row, field, i, n = {}, {}, {}, 1, #s
   local quoted = false
   while i <= n do
      local c = s:sub(i, i)
      if quoted then
         if c == '"' then
            if s:sub(i + 1, i + 1) == '"' then
               field[#field + 1] = '"'
               i = i + 1
            else
               quoted = false
            end
         else
            field[#field + 1] = c
         end
      elseif c == '"' then
         assert(#field == 0, "a quote inside an unquoted field at byte " .. i)
         quoted = true
      elseif c == "," then
         row[#row + 1] = table.concat(field)
         field = {}
      elseif c == "\r" and s:sub(i + 1, i + 1) == "\n" then
         row[#row + 1] = table.concat(field)
         rows[#rows + 1] = row
         row, field = {}, {}
         i = i + 1
      else
         assert(c ~= "\n", "a bare line feed outside quotes at byte " .. i)
         field[#field + 1] = c
      end
      i = i + 1
   end
   assert(not quoted, "an unterminated quoted field")
   assert(#row == 0 and #field == 0, "the last record does not end with CRLF")
   return rows
end

-- The Markdown tables of a text: each a list of rows (the header first), each a list of cells,
-- split on the pipes that are not escaped.
function report_spec.markdown_tables(s)
   local tables, current = {}, nil
   for line in (s .. "\n"):gmatch("([^\n]*)\n") do
      if line:match("^|") then
         local cells = {}
         local body = line:gsub("\\\\", "\1"):gsub("\\|", "\2")
         for cell in body:sub(2):gmatch("([^|]*)|") do
            cells[#cells + 1] = cell:gsub("\1", "\\\\"):gsub("\2", "\\|"):match("^%s*(.-)%s*$")
         end
         if not current then
            current = { rows = {} }
            tables[#tables + 1] = current
         end
         if cells[1] and cells[1]:match("^%-%-%-") then
            current.separator = true
         else
            current.rows[#current.rows + 1] = cells
         end
      else
         current = nil
      end
   end
   return tables
end

local function ids_equal(a, b)
   assert.same(a or {}, b or {})
end

describe("reports", function()
   local config, store, run
   setup(function()
      config, store = report_spec.project()
      local err
      run, err = parley.reconcile(config)
      assert(run, err)
   end)

   it("come from a run with errors, limits, findings of every severity and hostile text", function()
      local by_rule = {}
      for _, o in ipairs(run.outcomes) do by_rule[o.rule] = o end
      assert.equal("error", by_rule.loop.outcome)
      assert.equal("instructions", by_rule.loop.limit)
      assert.equal("findings", by_rule.odd.outcome)
      assert.equal("findings", by_rule.count_gap.outcome)
      assert.equal("findings", by_rule.list_overlap.outcome)
   end)

   it("json: one object per line that gives back the run by value", function()
      local lines = {}
      for line in assert(run:report("json")):gmatch("[^\n]+") do lines[#lines + 1] = json.decode(line) end
      assert.equal("run", lines[1].type)
      assert.equal(run.id, lines[1].id)
      assert.equal(config, lines[1].config)
      assert.equal("failed", lines[1].status)
      assert.equal("history", lines[2].type)
      assert.equal(#run.findings, lines[2].new)
      assert.equal(0, lines[2].persisting)
      local outcomes, findings = {}, {}
      for _, l in ipairs(lines) do
         if l.type == "outcome" then outcomes[#outcomes + 1] = l end
         if l.type == "finding" then findings[#findings + 1] = l end
      end
      assert.equal(#run.outcomes, #outcomes)
      for i, o in ipairs(run.outcomes) do
         assert.equal(o.rule, outcomes[i].rule)
         assert.equal(o.version, outcomes[i].version)
         assert.equal(o.outcome, outcomes[i].outcome)
         assert.equal(o.total, outcomes[i].findings)
         assert.equal(o.error, outcomes[i].error)
         assert.equal(o.limit, outcomes[i].limit)
      end
      assert.equal(#run.findings, #findings)
      for i, f in ipairs(run.findings) do
         local g = findings[i]
         assert.equal(f.rule, g.rule)
         assert.equal(f.severity, g.severity)
         assert.equal(f.message, g.message)
         assert.equal(f.fingerprint, g.fingerprint)
         assert.equal("new", g.change)
         for _, kind in ipairs({ "claims", "sources", "parties", "lists", "persons", "exchanges" }) do
            ids_equal(f.evidence[kind], g.evidence[kind])
         end
         for k, v in pairs(f.measures or {}) do assert.equal(v, g.measures[k]) end
      end
   end)

   it("csv: a row per finding under names and HXL hashtags, quoted, with formulas defused", function()
      local text = assert(run:report("csv"))
      local rows = report_spec.parse_csv(text)
      assert.equal(#run.findings + 2, #rows)
      local names, tags = rows[1], rows[2]
      local col = {}
      for i, n in ipairs(names) do col[n] = i end
      -- each tag, as an HXL pattern (its hashtag and attributes, the column may have more),
      -- selects its column alone; its hashtag and attributes are the dictionary's, or #x_ and
      -- custom attributes that docs/reports.md documents
      local dictionary = require("parley.report.format.csv").HXL_DICTIONARY
      local known = {}
      for _, h in ipairs(dictionary.hashtags) do known[h] = true end
      for _, a in ipairs(dictionary.attributes) do known["+" .. a] = true end
      local doc = support.read(support.top .. "/docs/reports.md")
      local custom = doc:match("Custom attributes: (.-)\n\n")
      assert.is_string(custom, "docs/reports.md lists no custom attributes")
      local parsed = {}
      for i, t in ipairs(tags) do
         assert.matches("^#[%l%d_]+[%l%d_+]*$", t, "column " .. names[i])
         local hashtag = t:match("^#[%l%d_]+")
         local attributes = {}
         for a in t:gmatch("%+([%l%d_]+)") do
            attributes[#attributes + 1] = a
            assert.is_true(known["+" .. a] or custom:find("`+" .. a .. "`", 1, true) ~= nil, t .. ": +" .. a)
         end
         assert.is_true(known[hashtag] or (hashtag:match("^#x_") and doc:find("`" .. hashtag .. "`", 1, true)) ~= nil,
            t)
         parsed[i] = { hashtag = hashtag, attributes = attributes }
      end
      local function selects(pattern, column)
         if pattern.hashtag ~= column.hashtag then return false end
         for _, a in ipairs(pattern.attributes) do
            local has = false
            for _, b in ipairs(column.attributes) do has = has or a == b end
            if not has then return false end
         end
         return true
      end
      for i, p in ipairs(parsed) do
         for j, c in ipairs(parsed) do
            assert.equal(i == j, selects(p, c), tags[i] .. " selects " .. tags[j])
         end
      end
      assert.equal("#meta+rule", tags[col.rule])
      assert.equal("#meta+version", tags[col.rule_version])
      assert.equal("#severity", tags[col.severity])
      assert.equal("#date+reported", tags[col.reported])
      assert.equal("#meta+source", tags[col.sources])
      for i, f in ipairs(run.findings) do
         local r = rows[i + 2]
         assert.equal(#names, #r)
         assert.equal(f.rule, r[col.rule])
         assert.equal(f.severity, r[col.severity])
         assert.equal(f.fingerprint, r[col.fingerprint])
         assert.equal(table.concat(f.evidence.claims or {}, " "), r[col.claims])
         assert.equal(table.concat(f.evidence.sources or {}, " "), r[col.sources])
         assert.equal(table.concat(f.evidence.persons or {}, " "), r[col.persons])
         assert.equal(run.finished_at:sub(1, 10), r[col.reported])
         if f.message:match("^[=+%-@]") then
            assert.equal("'" .. f.message, r[col.message])
         else
            assert.equal(f.message, r[col.message])
         end
         for _, cell in ipairs(r) do assert.is_nil(cell:match("^[=+%-@]"), cell) end
      end
      -- the four formula starts are all in the data, and the multi-line message came back whole
      local starts = {}
      for _, f in ipairs(run.findings) do starts[f.message:sub(1, 1)] = true end
      for _, c in ipairs({ "=", "+", "-", "@" }) do assert.is_true(starts[c], c) end
      assert.matches('"\'%+1, ""quoted""\r?\nsecond line', text)
   end)

   it("sarif: the required fields of SARIF 2.1.0, levels from severities, fingerprints, logical locations",
      function()
      local doc = json.decode(assert(run:report("sarif")))
      assert.equal("2.1.0", doc.version)
      assert.equal("https://json.schemastore.org/sarif-2.1.0.json", doc["$schema"])
      assert.equal(1, #doc.runs)
      local r = doc.runs[1]
      assert.equal("parley", r.tool.driver.name)
      local rule_ids = {}
      for i, rule in ipairs(r.tool.driver.rules) do
         assert.is_string(rule.id)
         assert.matches("^%u%w*$", rule.name) -- its id in words: count_gap is CountGap
         assert.is_string(rule.shortDescription.text)
         assert.is_string(rule.properties.version)
         rule_ids[rule.id] = i - 1
      end
      for _, o in ipairs(run.outcomes) do
         assert.is_number(rule_ids[o.rule], o.rule)
         assert.equal(o.version, r.tool.driver.rules[rule_ids[o.rule] + 1].properties.version)
      end
      local levels = { critical = "error", high = "error", medium = "warning", low = "note", info = "note" }
      assert.equal(#run.findings, #r.results)
      for i, f in ipairs(run.findings) do
         local res = r.results[i]
         assert.equal(f.rule, res.ruleId)
         assert.equal(rule_ids[f.rule], res.ruleIndex)
         assert.equal(levels[f.severity], res.level)
         assert.equal(f.message, res.message.text)
         assert.equal(f.fingerprint, res.partialFingerprints["parley/v1"])
         assert.equal("new", res.baselineState)
         local want = {}
         for _, kind in ipairs({ "claims", "lists", "exchanges", "persons", "sources", "parties" }) do
            for _, id in ipairs(f.evidence[kind] or {}) do -- each once: p-1 is on both lists
               local name = kind .. "/" .. id
               if not want[name] then want[#want + 1], want[name] = name, true end
            end
         end
         local got = {}
         for _, l in ipairs(res.locations and res.locations[1].logicalLocations or {}) do
            got[#got + 1] = l.fullyQualifiedName
            assert.equal(l.fullyQualifiedName:match("/(.*)$"), l.name)
         end
         assert.same({ table.unpack(want) }, got)
      end
      -- the rule that failed is a notification, with the limit it hit
      local n = r.invocations[1].toolExecutionNotifications
      assert.equal(1, #n)
      assert.equal("loop", n[1].descriptor.id)
      assert.equal("instructions", n[1].properties.limit)
      assert.is_false(r.invocations[1].executionSuccessful)
   end)

   it("markdown: tables with a row per severity, finding and outcome; data escaped", function()
      local text = assert(run:report("markdown"))
      local tables = report_spec.markdown_tables(text)
      local function find(first_header)
         for _, t in ipairs(tables) do
            if t.rows[1][1] == first_header then return t end
         end
      end
      local summary = assert(find("severity"))
      assert.is_true(summary.separator)
      assert.equal(1 + 5, #summary.rows)
      local findings = assert(find("#"))
      assert.equal(1 + #run.findings, #findings.rows)
      for i, f in ipairs(run.findings) do
         assert.equal(f.fingerprint, findings.rows[i + 1][8])
         assert.equal(f.severity, findings.rows[i + 1][2])
      end
      local outcomes = assert(find("rule"))
      assert.equal(1 + #run.outcomes, #outcomes.rows)
      -- every row of every table has as many cells as its header: no pipe or line break broke one
      for _, t in ipairs(tables) do
         for _, row in ipairs(t.rows) do assert.equal(#t.rows[1], #row, table.concat(row, " | ")) end
      end
      -- every < from the data is escaped; the only markup is the line breaks of cells
      assert.is_nil((text:gsub("\\<", ""):gsub("<br>", "")):find("<", 1, true))
      assert.matches("\\<script\\>document.title='pwned'\\</script\\>", text, 1, true)
      assert.matches("Swap \\| of detainees<br>and mine maps", text, 1, true)
      -- the claims of the count_gap finding side by side, and the pairs of list_overlap
      assert.matches("| **grade** | B2 (usually reliable, probably true) | not graded |", text, 1, true)
      assert.matches("Matched persons:", text, 1, true)
      assert.matches("| p-1 | Հովհաննես Պետրոսյան | Armenian | p-1 | Ованес Петросян | Cyrillic |", text, 1, true)
   end)

   it("html: headings, tables with headers, a chart per counted subject, escaped data, one script by hash", function()
      local text = assert(run:report("html"))
      assert.matches("^<!DOCTYPE html>", text)
      -- one script, the filters', with no data in it, and the policy allows it by its hash only
      local html_format = require "parley.report.format.html"
      local _, scripts = text:lower():gsub("<script", "")
      assert.equal(1, scripts)
      assert.equal(html_format.SCRIPT, text:match("<script>(.-)</script>"))
      local csp = text:match('<meta http%-equiv="Content%-Security%-Policy" content="([^"]*)">')
      assert.equal("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-",
         csp:sub(1, 81))
      assert.is_nil(csp:find("unsafe-inline'", 82, true))
      local digest = require("parley.core").sha256(html_format.SCRIPT)
      local b64 = csp:match("'sha256%-([%w+/=]+)'$")
      assert.equal(44, #b64)
      -- the base64 decodes to the digest
      local B = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
      local bits = b64:gsub("=", ""):gsub(".", function(ch)
         local v, out = B:find(ch, 1, true) - 1, ""
         for k = 5, 0, -1 do out = out .. ((v >> k) & 1) end
         return out
      end)
      local hex = bits:sub(1, 256):gsub("....", function(b) return string.format("%x", tonumber(b, 2)) end)
      assert.equal(digest, hex)
      -- the filters: a hidden form (shown by the script), each finding's row with what they match
      assert.matches('<form id="filters" class="filters" role="search" aria-label="Filter the findings" hidden>',
         text, 1, true)
      assert.matches('<tr data-sev="medium" data-rule="count_gap" data-party=" ARM AZE " data-subject=" 1 ">', text, 1,
         true)
      -- ids wrap at their separators only (a space is a break already)
      assert.matches('<td class="ids">claims: arm-<wbr>200, aze-<wbr>60;', text, 1, true)
      -- a finding with no party and no subject has no attribute for them
      assert.matches('<tr data-sev="info" data-rule="odd"><td', text, 1, true)
      assert.is_nil(text:lower():find("<img", 1, true))
      assert.is_nil(text:lower():find("<link", 1, true))
      assert.is_nil(text:find("<[^>]*%ssrc="))
      assert.is_nil(text:find("url(", 1, true))
      assert.matches("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;", text, 1, true)
      assert.matches("&lt;img src=x onerror=&quot;", text, 1, true)
      assert.matches("@media print", text, 1, true)
      local _, h1 = text:gsub("<h1[ >]", "")
      assert.equal(1, h1)
      local h2 = {}
      for h in text:gmatch("<h2>(.-)</h2>") do h2[#h2 + 1] = h end
      assert.same({ "Summary", "Since the previous run", "Claims over time", "Findings", "Exchanges", "Sources",
         "Rule outcomes" }, h2)
      local _, h3 = text:gsub("<h3[ >]", "")
      assert.is_true(h3 >= #run.findings)
      local n_tables = 0
      for t in text:gmatch("<table.-</table>") do
         n_tables = n_tables + 1
         assert.matches("<th[ >]", t)
         assert.matches("<caption>", t)
      end
      assert.is_true(n_tables >= 5)
      -- a chart for each subject with counts: detainees held by AZE about ARM (one here)
      local svgs = {}
      for s in text:gmatch('<svg[^>]*class="timeline".-</svg>') do svgs[#svgs + 1] = s end
      assert.equal(1, #svgs)
      -- and one key to the marks for the page
      local _, keys = text:gsub('<svg[^>]*class="timeline key"', "")
      assert.equal(1, keys)
      local svg = svgs[1]
      assert.matches('role="img"', svg, 1, true)
      assert.matches('aria%-label="Claimed detainees held by AZE, about ARM over time"', svg)
      assert.matches("<title id=\"chart%-title%-1\">", svg)
      assert.matches("<desc id=\"chart%-desc%-1\">.*~200 as of 2021%-06", svg)
      assert.matches('width="%d+" height="%d+"', svg)
      assert.matches('class="band b"', svg, 1, true)  -- aze-60 is 38-120
      assert.matches('class="approx a"', svg, 1, true) -- arm-200 is about 200
      assert.matches('class="exchange"', svg, 1, true) -- the exchange of 12 June, numbered 1
      assert.matches("exchange 1 (x-2021-06-12) on 2021-06-12: AZE → ARM: 15 detainees.</desc>", svg, 1, true)
      -- the key under the chart: what the exchange moved of the chart's subject only (no map)
      local key = text:match('<table class="xkey">.-</table>')
      assert.matches("<td>AZE → ARM: 15 detainees</td>", key, 1, true)
      assert.is_nil(key:find("mine map", 1, true))
      -- the evidence side by side, with sources, grades and quotes
      local article = text:match('<article class="finding f%-medium" id="finding%-%d+"[^>]*><h3>' ..
         '.-detainees held.-</article>')
      assert.is_string(article)
      assert.matches("arm-<wbr>200", article, 1, true)
      assert.matches("aze-<wbr>60", article, 1, true)
      assert.matches("<strong>B2</strong> usually reliable, probably true", article, 1, true)
      assert.matches("<blockquote>about 200</blockquote>", article, 1, true)
      assert.matches('<th scope="col">ratio</th>', article, 1, true)
      -- list_overlap: matched persons with the script of each side
      local pairs_table = text:match("<caption>Matched persons</caption>.-</table>")
      assert.matches("Հովհաննես Պետրոսյան</td><td>Armenian</td>", pairs_table, 1, true)
      assert.matches("Ованес Петросян</td><td>Cyrillic</td>", pairs_table, 1, true)
      -- exchanges with mediators, and the outcomes with the error and the limit
      assert.matches("<td>Georgia %(GEO%)</td>", text)
      assert.matches("<td>error</td><td class=\"n\">0</td>.-<td>instructions</td>", text)
   end)

   it("all come from the same run: a stored run re-rendered from the store gives the same reports", function()
      local db = assert(parley.open(store, { readonly = true }))
      local loaded = assert(history.load_run(db, run.id))
      for _, format in ipairs({ "json", "csv", "sarif", "markdown", "html", "text" }) do
         assert.equal(run:report(format), loaded:report(format, nil, { db = db }), format)
      end
      db:close()
   end)

   it("write to a path, and refuse an unknown format", function()
      local path = support.tmpname("report.html")
      assert.is_true(run:report("html", path))
      assert.matches("^<!DOCTYPE html>", support.read(path))
      local ok, err = run:report("pdf")
      assert.is_nil(ok)
      assert.matches("unknown report format 'pdf' %(known: csv, html, json, markdown, sarif, text%)", err)
   end)

   it("are written by the engine from the config's report entries", function()
      local dir = support.tmpname("report-entries")
      local cfg = report_spec.project("report: [{format: html, path: " .. dir .. ".html}, " ..
         "{format: sarif, path: " .. dir .. ".sarif}, {format: csv, path: " .. dir .. ".csv}, " ..
         "{format: markdown, path: " .. dir .. ".md}]")
      -- the reports go beside the project's directory: the spec's own config, allowed outside
      local r = assert(parley.reconcile(cfg, { allow_outside = true }))
      assert.equal(r:report("html"), support.read(dir .. ".html"))
      assert.equal(r:report("sarif"), support.read(dir .. ".sarif"))
      assert.equal(r:report("csv"), support.read(dir .. ".csv"))
      assert.equal(r:report("markdown"), support.read(dir .. ".md"))
   end)
end)

describe("reports of many findings and busy subjects", function()
   it("show the first findings in detail and every finding in a table, and sum busy subjects up", function()
      local common = require "parley.report.common"
      local config = report_spec.project()
      local run = assert(parley.reconcile(config))
      local dense = common.DENSE
      common.DENSE = 1
      finally(function() common.DENSE = dense end)
      local html = assert(run:report("html", nil, { detail = 2 }))
      local _, articles = html:gsub('<article class="finding', "")
      assert.equal(2, articles)
      local all = html:match('<table class="all">.-</table>')
      local _, rows = all:gsub("<tr data%-sev", "")
      assert.equal(#run.findings, rows)
      assert.matches("The first 2 findings, the most severe, are shown below", html, 1, true)
      -- detainees held by AZE has two counts: summed up party by party, its chart without labels
      assert.matches("<caption>The claims, party by party (2 counts", html, 1, true)
      assert.matches('<g class="claim k1"><path class="sa" d="[^"]*"/><circle class="approx a"', html)
      assert.matches('<g class="claim k2"><rect class="band b"', html, 1, true)
      assert.is_nil(html:match('<g class="claim k%d+"><title>'))
      local md = assert(run:report("markdown", nil, { detail = 2 }))
      local _, sections = md:gsub("\n### %d+%. ", "")
      assert.equal(2, sections)
      assert.matches("2 counts, too many to list here; party by party:", md, 1, true)
      assert.matches("| Armenia (ARM) | 1 | 2021-06 | 2021-06 | 200 | 200 | 1 |", md, 1, true)
   end)
end)

describe("reports of a run whose store is gone", function()
   it("still give the findings, and say the records cannot be shown", function()
      local run = assert(parley.reconcile({ data = { "dataset.yaml" },
         rules = { { use = "count_gap", with = { scopes = "overlap" } } } },
         { base = support.top .. "/examples/caucasus-2021" }))
      local copy = setmetatable({ config_name = run.config_name, id = run.id, findings = run.findings,
         outcomes = run.outcomes, rules = run.rules, store = ":memory:", status = run.status }, getmetatable(run))
      local html = assert(copy:report("html"))
      assert.matches("store is gone", html)
      assert.matches(run.findings[1].fingerprint, html, 1, true)
      local text = assert(copy:report("text"))
      assert.matches("history: not available", text, 1, true)
      assert.equal(#run.findings + 2, #report_spec.parse_csv(assert(copy:report("csv"))))
   end)
end)

describe("the report formats", function()
   local vocab = require "parley.vocab"
   local core = require "parley.core"
   local config = require "parley.config"
   local dir = support.top .. "/lua/parley/report/format"

   local function keys(t)
      local out = {}
      for k in pairs(t) do out[#out + 1] = k end
      table.sort(out)
      return out
   end

   local function sorted(list)
      local out = { table.unpack(list) }
      table.sort(out)
      return out
   end

   it("are the files of lua/parley/report/format/, sorted: adding a format is adding its file", function()
      local files = {}
      for _, e in ipairs(assert(core.list_dir(dir))) do files[#files + 1] = (e.name:gsub("%.lua$", "")) end
      table.sort(files)
      assert.same({ "csv", "html", "json", "markdown", "sarif", "text" }, report.formats())
      assert.same(files, report.formats())
      assert.same(report.formats(), config.report_formats())
   end)

   it("each render a model and say which records of the store they show", function()
      for _, name in ipairs(report.formats()) do
         local format = require("parley.report.format." .. name)
         assert.is_function(format.render, name)
         assert.is_truthy(format.records == nil or format.records == true or format.records == "exchanges"
            or format.records == "evidence", name)
      end
   end)

   it("are what a config's report entries may name, with a suggestion for a typo", function()
      local _, err = config.load({ rules = { { use = "count_gap" } }, report = { { format = "htm", path = "x" } } })
      assert.matches('expected one of csv, html, json, markdown, sarif, text, got the string "htm" ' ..
         "%(did you mean 'html'%?%) %(at report%[1%]%.format%)", err)
      for _, name in ipairs(report.formats()) do
         assert(config.load({ rules = { { use = "count_gap" } }, report = { { format = name, path = "x" } } }))
      end
   end)

   it("never require the dispatcher: the package's modules require downward only", function()
      local files = { "common.lua", "model.lua", "chart.lua" }
      for _, name in ipairs(report.formats()) do files[#files + 1] = "format/" .. name .. ".lua" end
      for _, file in ipairs(files) do
         local source = support.read(support.top .. "/lua/parley/report/" .. file)
         assert.is_nil(source:find("require%s*%(?%s*[\"']parley%.report[\"']"), file)
      end
   end)

   it("map exactly the severities of parley.vocab to levels, colours and badge styles", function()
      local severities = sorted(vocab.SEVERITIES)
      assert.same(severities, keys(require("parley.report.format.sarif").LEVELS))
      assert.same(severities, keys(require("parley.report.format.text").COLOURS))
      local run = assert(parley.reconcile({ data = { "dataset.yaml" },
         rules = { { use = "count_gap", with = { scopes = "overlap" } } } },
         { base = support.top .. "/examples/caucasus-2021" }))
      local style = assert(run:report("html")):match("<style>(.-)</style>")
      local styled = {}
      for s in style:gmatch("%.sev%-([%w_]+)") do styled[s] = true end
      assert.same(severities, keys(styled))
   end)
end)

describe("report.gather", function()
   it("gathers once what every format shows", function()
      local run = assert(parley.reconcile({ data = { "dataset.yaml" },
         rules = { { use = "count_gap", with = { scopes = "overlap" } } } },
         { base = support.top .. "/examples/caucasus-2021" }))
      local m = report.gather(run)
      assert.equal(run.id, m.run.id)
      assert.equal(1, m.counts.severity.medium)
      assert.is_nil(m.history.a)
      assert.same({ "new" }, m.history.change)
      assert.equal("Armenia", m.data.parties.ARM.name)
      assert.equal(1, #m.data.exchanges)
      assert.equal("AZE → ARM: 15 detainees; ARM → AZE: 1 mine map (Agdam, 97,000 mines)", m.data.exchanges[1].moved)
      assert.is_nil(report.gather(run, { data = false }).data)
   end)
end)

describe("the timeline chart", function()
   local chart = require "parley.report.chart"
   local dates = require "parley.dates"

   -- A group of claims and data as report.gather gives them: claims {claimant, as_of, count,
   -- scope}; exchanges {date, transfers}.
   local function group(claims, exchanges, g)
      g = g or { subject = "detainees", holder = "AZE", about = "ARM" }
      g.claims = {}
      local data = { parties = {}, party_order = {}, exchanges = {} }
      for i, c in ipairs(claims) do
         local d = dates.parse(c.as_of)
         c.id, c.source = c.id or ("c" .. i), "s"
         c.first_day, c.last_day = dates.day_number(d.first), dates.day_number(d.last)
         g.claims[i] = c
         if not data.parties[c.claimant] then
            data.parties[c.claimant] = { id = c.claimant, name = c.name or c.claimant }
            data.party_order[#data.party_order + 1] = c.claimant
         end
      end
      for i, x in ipairs(exchanges or {}) do
         x.id = x.id or ("x" .. i)
         x.first_day = dates.day_number(x.date)
         x.last_day = x.first_day
         x.moved = ""
         data.exchanges[i] = x
      end
      return g, data
   end

   it("draws only the exchanges that moved its subject between its parties, at most MAX_EXCHANGES", function()
      local xs = {}
      for i = 1, 45 do -- detainees AZE -> ARM, every 10 days
         xs[#xs + 1] = { date = dates.civil(dates.day_number("2021-01-01") + 10 * i),
            transfers = { { from = "AZE", to = "ARM", detainees = { count = i } } } }
      end
      xs[#xs + 1] = { id = "remains", date = "2021-03-01",
         transfers = { { from = "AZE", to = "ARM", remains = { count = 2 } } } }
      xs[#xs + 1] = { id = "other-pair", date = "2021-03-02",
         transfers = { { from = "AZE", to = "RUS", detainees = { count = 2 } } } }
      local g, data = group({ { claimant = "ARM", as_of = "2021-02-01", count = { exact = 10 } },
         { claimant = "AZE", as_of = "2022-06-20", count = { exact = 12 } } }, xs)
      local lay = chart.layout(g, data)
      assert.equal(45, lay.frame.exchanges_total)
      assert.equal(chart.MAX_EXCHANGES, #lay.frame.xs)
      for _, x in ipairs(lay.frame.xs) do
         assert.are_not.equal("remains", x.id)
         assert.are_not.equal("other-pair", x.id)
      end
      -- a regional count of persons: transfers record no region, so no exchange moved it
      local rg, rdata = group({ { claimant = "ARM", as_of = "2021-02-01", count = { exact = 10 } } }, xs,
         { subject = "detainees", holder = "AZE", about = "ARM", region = "Agdam" })
      assert.equal(0, chart.layout(rg, rdata).frame.exchanges_total)
      -- and in the HTML report, the chart says how many it leaves out
      local svg = chart.svg(g, data, 1, lay)
      local _, markers = svg:gsub('<g class="exchange">', "")
      assert.equal(chart.MAX_EXCHANGES, markers)
      assert.matches("15 more exchanges not drawn", svg, 1, true)
   end)
end)

describe("a stored run's report", function()
   it("shows the records of the imports the run read, not those imported after it", function()
      local dir = support.tmpname("as-it-was")
      os.execute("mkdir -p " .. support.quote(dir))
      local db_path = dir .. "/store.db"
      support.write(dir .. "/first.json", json.encode(fixtures.small()))
      -- a later import: a new exchange and a new claim
      local later = { parley = 1, exchanges = { { id = "x-later", date = "2021-09-01", place = "later place",
         transfers = { { from = "AZE", to = "ARM", detainees = { count = 3 } } } } },
         claims = { { id = "arm-later", claimant = "ARM", source = "s-article", as_of = "2021-09",
            subject = "detainees", holder = "AZE", about = "ARM", count = { exact = 150 } } } }
      support.write(dir .. "/later.json", json.encode(later))
      local cfg = { store = db_path, data = { "first.json" }, rules = { { use = "count_gap" } } }
      local run1 = assert(parley.reconcile(cfg, { base = dir }))
      assert.equal(1, run1.imports)
      local db = assert(parley.open(db_path))
      assert(db:import(later))
      db:close()
      local run2 = assert(parley.reconcile(cfg, { base = dir }))
      assert.equal(2, run2.imports)
      db = assert(parley.open(db_path, { readonly = true }))
      local old = assert(history.load_run(db, run1.id))
      assert.equal(1, old.imports)
      local html1 = assert(old:report("html", nil, { db = db }))
      local html2 = assert(history.load_run(db, run2.id):report("html", nil, { db = db }))
      assert.is_nil(html1:find("x-later", 1, true))
      assert.is_nil(html1:find("arm-later", 1, true))
      assert.matches("records of import 1 (" .. dir .. "/first.json), as the run read them; 1 later import not " ..
         "shown", html1, 1, true)
      assert.matches("x-<wbr>later", html2, 1, true)
      assert.matches("arm-<wbr>later", html2, 1, true)
      assert.matches("records of imports 1 to 2 (" .. dir .. "/first.json, ", html2, 1, true)
      -- every format that shows records shows the same
      local md1 = assert(old:report("markdown", nil, { db = db }))
      assert.is_nil(md1:find("later place", 1, true))
      assert.matches("1 later import not shown", md1, 1, true)
      assert.equal(1, json.decode(assert(old:report("json", nil, { db = db })):match("^[^\n]*")).imports)
      -- a run stored before runs recorded their imports shows every import, and says so
      local legacy = assert(history.load_run(db, run1.id))
      legacy.imports = nil
      local html0 = assert(legacy:report("html", nil, { db = db }))
      assert.matches("x-<wbr>later", html0, 1, true)
      assert.matches("every import of the store (the run did not record which it read)", html0, 1, true)
      db:close()
   end)
end)

describe("corrections between two runs", function()
   it("are corrections: the finding on the corrected claim is corrected, and a corrected exchange shows", function()
      local dir = support.tmpname("corrections")
      os.execute("mkdir -p " .. support.quote(dir))
      local db_path = dir .. "/store.db"
      support.write(dir .. "/first.json", json.encode(fixtures.small()))
      -- soldiers and civilians against soldiers: compared when scopes overlap
      local cfg = { store = db_path, data = { "first.json" },
         rules = { { use = "count_gap", with = { scopes = "overlap" } } } }
      local run1 = assert(parley.reconcile(cfg, { base = dir }))
      assert.equal(1, #run1.findings)
      -- the same count with its scope fixed, and the exchange's place fixed
      local base = fixtures.small()
      local claim, exchange = base.claims[1], base.exchanges[1]
      claim.id, claim.supersedes, claim.scope = "arm-200-fixed", "arm-200", { "soldiers" }
      exchange.id, exchange.supersedes, exchange.place = "x-2021-06-12-fixed", "x-2021-06-12", "Georgian border"
      for _, t in ipairs(exchange.transfers) do
         if t.detainees then t.detainees.persons = nil end
      end
      local db = assert(parley.open(db_path))
      assert(db:import({ parley = 1, claims = { claim }, exchanges = { exchange } }))
      db:close()
      local run2 = assert(parley.reconcile(cfg, { base = dir }))
      assert.equal(1, #run2.findings)
      assert.are_not.equal(run1.findings[1].fingerprint, run2.findings[1].fingerprint)
      db = assert(parley.open(db_path, { readonly = true }))
      local d = assert(history.diff(db, run1.id, run2.id))
      assert.equal(0, #d.new)
      assert.equal(0, #d.resolved)
      assert.equal(1, #d.corrected)
      assert.same({ { kind = "claims", old = "arm-200", new = "arm-200-fixed" } }, d.corrected[1].replaced)
      assert.equal(run1.findings[1].fingerprint, d.corrected[1].from.fingerprint)
      assert.equal(run2.findings[1].fingerprint, d.corrected[1].to.fingerprint)
      assert.same({ "corrected" }, d.change)
      assert.same({ { kind = "claims", id = "arm-200-fixed", supersedes = "arm-200" },
         { kind = "exchanges", id = "x-2021-06-12-fixed", supersedes = "x-2021-06-12" } }, d.corrections)
      -- every report of run 2 says so
      local loaded = assert(history.load_run(db, run2.id))
      local html = assert(loaded:report("html", nil, { db = db }))
      assert.matches("0 new, 0 persisting, 1 corrected, 0 resolved", html, 1, true)
      assert.matches("records corrected: claims arm-200 by arm-200-fixed, exchanges x-2021-06-12 by " ..
         "x-2021-06-12-fixed", html, 1, true)
      assert.matches("<td>corrected <span class=\"ids\">(claims arm-<wbr>200 → arm-<wbr>200-<wbr>fixed)</span></td>",
         html, 1, true)
      -- the summary counts it in a column of its own: findings, new, persisting, corrected, resolved
      assert.matches('<th scope="col">corrected</th><th scope="col">resolved</th>', html, 1, true)
      assert.matches('<th scope="row">all</th><td class="n">1</td><td class="n">0</td><td class="n">0</td>' ..
         '<td class="n">1</td><td class="n">0</td>', html, 1, true)
      local medium = html:match('<tr><th scope="row"><span class="sev sev%-medium">.-</tr>')
      assert.matches('<td class="n">1</td><td class="n">0</td><td class="n">0</td><td class="n">1</td>' ..
         '<td class="n">0</td></tr>$', medium)
      -- the history gives both findings, the ids replaced and both fingerprints
      local corrected_table = html:match('<table class="corrected">.-</table>')
      assert.matches(run1.findings[1].message, corrected_table, 1, true)
      assert.matches(run2.findings[1].message, corrected_table, 1, true)
      assert.matches(run1.findings[1].fingerprint, corrected_table, 1, true)
      assert.matches(run2.findings[1].fingerprint, corrected_table, 1, true)
      assert.matches("Corrected since the previous run:", html, 1, true)
      local sarif = json.decode(assert(loaded:report("sarif", nil, { db = db })))
      assert.equal("updated", sarif.runs[1].results[1].baselineState)
      assert.same({ fingerprint = run1.findings[1].fingerprint,
         replaced = { { kind = "claims", old = "arm-200", new = "arm-200-fixed" } } },
         sarif.runs[1].results[1].properties.correctionOf)
      local lines = {}
      for l in assert(loaded:report("json", nil, { db = db })):gmatch("[^\n]+") do
         lines[#lines + 1] = json.decode(l)
      end
      assert.equal("history", lines[2].type)
      assert.same({ { rule = "count_gap", severity = run2.findings[1].severity, from = run1.findings[1].fingerprint,
         to = run2.findings[1].fingerprint, message_before = run1.findings[1].message,
         replaced = { { kind = "claims", old = "arm-200", new = "arm-200-fixed" } } } }, lines[2].corrected)
      assert.equal("corrected", lines[#lines].change)
      local text = assert(loaded:report("text", nil, { db = db }))
      assert.matches(" (corrected)\n    corrected: claims arm-200 -> arm-200-fixed; it was: " ..
         run1.findings[1].message, text, 1, true)
      local md = assert(loaded:report("markdown", nil, { db = db }))
      assert.matches("| severity | findings | new | persisting | corrected | resolved |", md, 1, true)
      assert.matches("Corrected since the previous run: claims arm-200 -> arm-200-fixed", md:gsub("\\", ""), 1,
         true)
      local csv = assert(loaded:report("csv", nil, { db = db }))
      assert.matches(",corrected,", csv, 1, true)
      db:close()
      -- and parley diff
      local code, out = support.parley("diff", db_path)
      assert.equal(0, code)
      assert.matches("0 new, 0 persisting, 1 corrected, 0 resolved", out, 1, true)
      assert.matches("record corrected: exchanges x-2021-06-12 by x-2021-06-12-fixed", out, 1, true)
      assert.matches("~ corrected  %[medium%] count_gap: .* %(" .. run1.findings[1].fingerprint .. " %-> " ..
         run2.findings[1].fingerprint .. "; claims arm%-200 %-> arm%-200%-fixed%)", out)
   end)
end)

return report_spec
