-- The HTML report: one self-contained file (no external assets, no script, readable without
-- JavaScript and in print) with the summary by severity, the history since the previous run,
-- a timeline chart per subject (report/chart.lua), a table of every finding and each finding
-- (the first common.DETAIL) with its measures and its evidence side by side, the exchanges
-- with their mediators, the sources, and the rule outcomes. Every string from the data is
-- escaped: a dataset is untrusted.

local vocab = require "parley.vocab"
local common = require "parley.report.common"
local chart = require "parley.report.chart"

local html = {}

-- The records of the store the report shows: all of them.
html.records = true

local esc = common.html_escape

local STYLE = [[
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Armenian",sans-serif;
color:#1b1b1b;margin:0 auto;max-width:1100px;padding:1em 1.5em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:1.8em}
h3{font-size:1.1em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.5em 0 1em;width:100%}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f1f1f1}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;padding:0 .5em;border-radius:3px;font-weight:600;font-size:.85em;border:1px solid}
.sev-critical{background:#6b0000;color:#fff}.sev-high{background:#b3261e;color:#fff}
.sev-medium{background:#ffd27a;color:#1b1b1b}.sev-low{background:#d7ecff;color:#1b1b1b}
.sev-info{background:#eee;color:#1b1b1b}
.chg{font-size:.85em;color:#444;border:1px dashed #777;padding:0 .4em;border-radius:3px}
.finding{border:1px solid #ccc;border-left:6px solid #999;padding:.2em 1em .8em;margin:1em 0;break-inside:avoid}
.f-critical,.f-high{border-left-color:#b3261e}.f-medium{border-left-color:#e0a000}.f-low{border-left-color:#3b82c4}
.meta{color:#555;font-size:.88em}.ids{font-family:ui-monospace,monospace;font-size:.88em;word-break:break-all}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.8em}
.card{border:1px solid #bbb;border-radius:4px;padding:.5em .8em;background:#fafafa}
.card h4{margin:.1em 0 .3em;font-size:1em}.card dl{margin:0;display:grid;grid-template-columns:max-content 1fr;
gap:.1em .8em}.card dt{font-weight:600;color:#444}.card dd{margin:0}
blockquote{margin:.4em 0;padding:.2em .8em;border-left:3px solid #999;background:#fff;font-style:italic}
figure{margin:1em 0}figcaption{font-size:.9em;color:#444}svg.timeline{max-width:100%;height:auto;
background:#fff;border:1px solid #ddd}
nav ul{columns:2}
@media print{body{max-width:none;font-size:10.5pt;padding:0}nav{display:none}a{color:inherit;text-decoration:none}
.finding,figure,tr{break-inside:avoid}h2,h3{break-after:avoid}th{background:#eee!important}
.sev{border:1px solid #000;background:none!important;color:#000!important}
.side{display:block}.card{margin-bottom:.5em}}
]]

local function sev_badge(s)
   return string.format('<span class="sev sev-%s">%s</span>', esc(s), esc(s))
end

local function party_label(data, id)
   return common.party_label(data, id, esc)
end

-- Only http(s) addresses become links; anything else (javascript:, data:) stays text.
local function link(url)
   if type(url) == "string" and url:match("^https?://[^%s\"'<>]+$") then
      return string.format('<a href="%s" rel="noreferrer">%s</a>', esc(url), esc(url))
   end
   return url and esc(url) or ""
end

local function claim_card(o, data, id)
   local c = data and data.claims[id]
   if not c then
      o[#o + 1] = '<div class="card"><h4>Claim ' .. esc(id) .. '</h4><p class="meta">not in the store</p></div>'
      return
   end
   local s = data.sources[c.source] or {}
   local code, words = common.grade(s)
   o[#o + 1] = '<div class="card"><h4>' .. party_label(data, c.claimant) .. ": " .. esc(common.claim_value(c)) ..
      "</h4><dl><dt>claim</dt><dd class=\"ids\">" .. esc(c.id) .. "</dd><dt>as of</dt><dd>" .. esc(c.as_of) ..
      "</dd><dt>subject</dt><dd>" .. esc(common.subject_title(c)) .. "</dd>"
   if c.scope and #c.scope > 0 then o[#o + 1] = "<dt>scope</dt><dd>" .. esc(common.scope_text(c)) .. "</dd>" end
   o[#o + 1] = "<dt>source</dt><dd>" .. esc(s.title or c.source) .. ' <span class="ids">(' .. esc(c.source) ..
      ")</span>" .. (s.speaker and ("<br>" .. esc(s.speaker)) or "") ..
      (s.published and (", " .. esc(s.published)) or "") .. (s.url and ("<br>" .. link(s.url)) or "") .. "</dd>"
   o[#o + 1] = "<dt>grade</dt><dd>" .. (code ~= "" and ("<strong>" .. esc(code) .. "</strong> " .. esc(words))
      or "not graded") .. "</dd>"
   if c.superseded_by then o[#o + 1] = "<dt>superseded</dt><dd>by " .. esc(c.superseded_by) .. "</dd>" end
   o[#o + 1] = "</dl>"
   if c.text then o[#o + 1] = "<blockquote>" .. esc(c.text) .. "</blockquote>" end
   o[#o + 1] = "</div>"
end

local function pairs_table(o, rows, caption)
   if #rows == 0 then return end
   o[#o + 1] = "<table><caption>" .. esc(caption) .. '</caption><thead><tr><th scope="col">left</th>' ..
      '<th scope="col">name</th><th scope="col">script</th><th scope="col">right</th><th scope="col">name</th>' ..
      '<th scope="col">script</th><th scope="col">score</th></tr></thead><tbody>'
   for _, p in ipairs(rows) do
      o[#o + 1] = '<tr><td class="ids">' .. esc(p.left) .. "</td><td>" .. esc(p.left_name) .. "</td><td>" ..
         esc(p.left_script) .. '</td><td class="ids">' .. esc(p.right) .. "</td><td>" .. esc(p.right_name) ..
         "</td><td>" .. esc(p.right_script) .. '</td><td class="n">' .. esc(p.score) .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table>"
end

local function measures_table(o, f)
   local ms = common.measures(f.measures)
   if #ms == 0 then return end
   o[#o + 1] = '<table class="measures"><caption>Measures</caption><thead><tr>'
   for _, m in ipairs(ms) do o[#o + 1] = '<th scope="col">' .. esc(m.name) .. "</th>" end
   o[#o + 1] = "</tr></thead><tbody><tr>"
   for _, m in ipairs(ms) do o[#o + 1] = '<td class="n">' .. esc(m.text) .. "</td>" end
   o[#o + 1] = "</tr></tbody></table>"
end

-- The claims a finding compares, a card each, side by side.
local function claim_cards(o, data, f)
   local claims = common.ids(f.evidence, "claims")
   if #claims == 0 then return end
   o[#o + 1] = '<div class="side">'
   for _, id in ipairs(claims) do claim_card(o, data, id) end
   o[#o + 1] = "</div>"
end

-- One evidence id: a party by its name, a source by its title, anything else as the id.
local function evidence_id(data, kind, id)
   if kind == "parties" then return party_label(data, id) end
   if kind == "sources" and data and data.sources[id] then
      return esc(data.sources[id].title) .. ' <span class="ids">(' .. esc(id) .. ")</span>"
   end
   return '<span class="ids">' .. esc(id) .. "</span>"
end

-- The evidence ids of a finding by kind, and the persons a list comparison found on one side
-- only.
local function evidence_table(o, data, f)
   local rows = {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      local ids = common.ids(f.evidence, kind)
      if #ids > 0 then
         local shown = {}
         for k, id in ipairs(ids) do shown[k] = evidence_id(data, kind, id) end
         rows[#rows + 1] = '<tr><th scope="row">' .. kind .. "</th><td>" .. table.concat(shown, ", ") .. "</td></tr>"
      end
   end
   if type(f.details) == "table" then
      for _, key in ipairs({ "only_left", "only_right" }) do
         local ids = common.ids(f.details, key)
         if #ids > 0 then
            rows[#rows + 1] = '<tr><th scope="row">' .. key:gsub("_", " ") .. '</th><td class="ids">' ..
               esc(table.concat(ids, ", ")) .. "</td></tr>"
         end
      end
   end
   if #rows > 0 then
      o[#o + 1] = '<table class="evidence"><caption>Evidence</caption><tbody>' .. table.concat(rows) ..
         "</tbody></table>"
   end
end

local function finding(o, model, i, f)
   local change = common.change(model, i)
   o[#o + 1] = '<article class="finding f-' .. esc(f.severity) .. '" id="finding-' .. i .. '"><h3>' ..
      sev_badge(f.severity) .. " " .. esc(f.message) .. "</h3><p class=\"meta\">" .. esc(f.rule) .. " " ..
      esc(f.rule_version or "") .. (change ~= "" and (' <span class="chg">' .. esc(change) .. "</span>") or "") ..
      ' · fingerprint <span class="ids">' .. esc(f.fingerprint) .. "</span></p>"
   measures_table(o, f)
   claim_cards(o, model.data, f)
   pairs_table(o, common.pairs(f.details, "pairs"), "Matched persons")
   pairs_table(o, common.pairs(f.details, "review"), "Pairs for review")
   evidence_table(o, model.data, f)
   o[#o + 1] = "</article>"
end


local function findings_section(o, model, detail)
   local n = #model.findings
   o[#o + 1] = '<section id="findings"><h2>Findings</h2>'
   if n == 0 then
      o[#o + 1] = "<p>No findings.</p></section>"
      return
   end
   o[#o + 1] = '<table class="all"><caption>Every finding, most severe first</caption><thead><tr>' ..
      '<th scope="col">#</th><th scope="col">severity</th><th scope="col">rule</th><th scope="col">change</th>' ..
      '<th scope="col">message</th><th scope="col">measures</th><th scope="col">evidence</th></tr></thead><tbody>'
   for i, f in ipairs(model.findings) do
      o[#o + 1] = '<tr><td class="n">' .. (i <= detail and ('<a href="#finding-' .. i .. '">' .. i .. "</a>") or i) ..
         "</td><td>" .. esc(f.severity) .. "</td><td>" .. esc(f.rule) .. "</td><td>" .. esc(common.change(model, i)) ..
         "</td><td>" .. esc(f.message) .. "</td><td>" .. esc(common.measures_text(f.measures)) ..
         '</td><td class="ids">' .. esc(common.evidence_text(f.evidence)) .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table>"
   if n > detail then
      o[#o + 1] = string.format("<p>The first %s findings, the most severe, are shown below with their evidence " ..
         "side by side; the table above lists all %s with their evidence ids.</p>", common.thousands(detail),
         common.thousands(n))
   end
   for i, f in ipairs(model.findings) do
      if i > detail then break end
      finding(o, model, i, f)
   end
   o[#o + 1] = "</section>"
end

local function summary(o, model)
   local c, h = model.counts, model.history
   local new, persisting, resolved = common.changes_by_severity(model)
   o[#o + 1] = '<section id="summary"><h2>Summary</h2><table class="summary"><caption>Findings by severity' ..
      '</caption><thead><tr><th scope="col">severity</th><th scope="col">findings</th><th scope="col">new</th>' ..
      '<th scope="col">persisting</th><th scope="col">resolved</th></tr></thead><tbody>'
   for k = #vocab.SEVERITIES, 1, -1 do
      local s = vocab.SEVERITIES[k]
      o[#o + 1] = '<tr><th scope="row">' .. sev_badge(s) .. '</th><td class="n">' .. c.severity[s] ..
         '</td><td class="n">' .. (new[s] or 0) .. '</td><td class="n">' .. (persisting[s] or 0) ..
         '</td><td class="n">' .. (resolved[s] or 0) .. "</td></tr>"
   end
   o[#o + 1] = '<tr><th scope="row">all</th><td class="n">' .. c.findings .. '</td><td class="n">' ..
      (h and #h.new or 0) .. '</td><td class="n">' .. (h and #h.persisting or 0) .. '</td><td class="n">' ..
      (h and #h.resolved or 0) .. "</td></tr></tbody></table>"
   local parts = {}
   for _, k in ipairs({ "pass", "findings", "error" }) do
      parts[#parts + 1] = string.format("%d %s", c.outcomes[k] or 0, k == "pass" and "passed" or
         (k == "error" and "failed" or "with findings"))
   end
   o[#o + 1] = "<p>" .. #model.outcomes .. " rule" .. (#model.outcomes == 1 and "" or "s") .. ": " ..
      table.concat(parts, ", ") .. ".</p></section>"
end

local function history_section(o, model)
   local h = model.history
   o[#o + 1] = '<section id="history"><h2>Since the previous run</h2><p>' .. esc(common.history_line(model)) .. "</p>"
   if h and #h.resolved > 0 then
      o[#o + 1] = '<table><caption>Resolved findings (in the previous run, not in this one)</caption><thead><tr>' ..
         '<th scope="col">severity</th><th scope="col">rule</th><th scope="col">message</th>' ..
         '<th scope="col">fingerprint</th></tr></thead><tbody>'
      for _, f in ipairs(h.resolved) do
         o[#o + 1] = "<tr><td>" .. sev_badge(f.severity) .. "</td><td>" .. esc(f.rule) .. "</td><td>" ..
            esc(f.message) .. '</td><td class="ids">' .. esc(f.fingerprint) .. "</td></tr>"
      end
      o[#o + 1] = "</tbody></table>"
   end
   if h and (#h.rules_changed + #h.rules_added + #h.rules_removed) > 0 then
      o[#o + 1] = '<table><caption>Rules that changed</caption><thead><tr><th scope="col">rule</th>' ..
         '<th scope="col">before</th><th scope="col">now</th></tr></thead><tbody>'
      for _, l in ipairs({ h.rules_changed, h.rules_added, h.rules_removed }) do
         for _, r in ipairs(l) do
            o[#o + 1] = "<tr><td>" .. esc(r.rule) .. "</td><td>" .. esc(r.from or "(not run)") .. "</td><td>" ..
               esc(r.to or "(not run)") .. "</td></tr>"
         end
      end
      o[#o + 1] = "</tbody></table>"
   end
   o[#o + 1] = "</section>"
end

local function subject_claims(o, data, g)
   o[#o + 1] = "<table><caption>The claims (sources in the table of sources)</caption><thead><tr>" ..
      '<th scope="col">party</th><th scope="col">as of</th><th scope="col">claim</th><th scope="col">scope</th>' ..
      '<th scope="col">claim id</th><th scope="col">source</th><th scope="col">grade</th><th scope="col">says</th>' ..
      "</tr></thead><tbody>"
   for _, c in ipairs(g.claims) do
      local s = data.sources[c.source] or {}
      local superseded = c.superseded_by and (" (superseded by " .. esc(c.superseded_by) .. ")") or ""
      o[#o + 1] = "<tr><td>" .. esc(c.claimant) .. "</td><td>" .. esc(c.as_of) .. "</td><td>" ..
         esc(common.claim_value(c)) .. superseded .. "</td><td>" .. esc(common.scope_text(c)) ..
         '</td><td class="ids">' .. esc(c.id) .. '</td><td class="ids">' .. esc(c.source) .. "</td><td>" ..
         esc((common.grade(s))) .. "</td><td>" .. esc(c.text or "") .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table>"
end

-- For a subject with many counts: each party's claims in one row.
local function subject_by_party(o, data, g)
   o[#o + 1] = "<table><caption>The claims, party by party (" .. g.counted .. " counts, too many to list " ..
      "here)</caption><thead><tr><th scope=\"col\">party</th>" ..
      '<th scope="col">counts claimed</th><th scope="col">from</th><th scope="col">to</th>' ..
      '<th scope="col">lowest</th><th scope="col">highest</th><th scope="col">sources</th></tr></thead><tbody>'
   for _, b in ipairs(common.party_summary(g.claims)) do
      o[#o + 1] = "<tr><td>" .. party_label(data, b.party) .. '</td><td class="n">' .. b.n .. "</td><td>" ..
         esc(b.first) .. "</td><td>" .. esc(b.last) .. '</td><td class="n">' .. esc(common.thousands(b.lo)) ..
         '</td><td class="n">' .. esc(common.thousands(b.hi)) .. '</td><td class="n">' .. b.sources .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table>"
end

local function sources_table(o, model)
   local data = model.data
   local ids = {}
   for id in pairs(data.sources) do ids[#ids + 1] = id end
   table.sort(ids)
   o[#o + 1] = '<section id="sources"><h2>Sources</h2>'
   if #ids == 0 then
      o[#o + 1] = "<p>The store has no sources.</p></section>"
      return
   end
   o[#o + 1] = '<table><caption>Every source, with its Admiralty grade</caption><thead><tr>' ..
      '<th scope="col">source</th><th scope="col">title</th><th scope="col">published by</th>' ..
      '<th scope="col">speaker</th><th scope="col">published</th><th scope="col">grade</th>' ..
      '<th scope="col">address</th></tr></thead><tbody>'
   for _, id in ipairs(ids) do
      local s = data.sources[id]
      local code, words = common.grade(s)
      o[#o + 1] = '<tr><td class="ids">' .. esc(id) .. "</td><td>" .. esc(s.title) .. "</td><td>" ..
         (s.party and party_label(data, s.party) or "") .. "</td><td>" .. esc(s.speaker or "") .. "</td><td>" ..
         esc(s.published or "") .. "</td><td>" .. (code ~= "" and (esc(code) .. " (" .. esc(words) .. ")") or "") ..
         "</td><td>" .. link(s.url) .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table></section>"
end

local function subjects(o, model)
   local data = model.data
   o[#o + 1] = '<section id="subjects"><h2>Claims over time</h2>'
   local n = 0
   for _, g in ipairs(data.subjects) do
      n = n + 1
      o[#o + 1] = '<section class="subject"><h3 id="subject-' .. n .. '">' .. esc(common.subject_title(g)) .. "</h3>"
      local svg = chart.svg(g, data, n)
      if svg then
         local parties = chart.party_colours(g.claims, data.party_order)
         local names = {}
         for i, p in ipairs(parties) do names[i] = party_label(data, p) end
         o[#o + 1] = "<figure>" .. svg .. "<figcaption>" .. g.counted .. " count" ..
            (g.counted == 1 and "" or "s") .. " claimed by " .. table.concat(names, ", ") ..
            (g.counted > common.DENSE and "; the table below sums them up party by party." or
               "; the table below lists every claim.") .. "</figcaption></figure>"
      end
      if g.counted > common.DENSE then
         subject_by_party(o, data, g)
      else
         subject_claims(o, data, g)
      end
      o[#o + 1] = "</section>"
   end
   if n == 0 then o[#o + 1] = "<p>The store has no claims.</p>" end
   o[#o + 1] = "</section>"
end

local function exchanges(o, model)
   local data = model.data
   o[#o + 1] = '<section id="exchanges"><h2>Exchanges</h2>'
   if #data.exchanges == 0 then
      o[#o + 1] = "<p>The store has no exchanges.</p></section>"
      return
   end
   o[#o + 1] = '<table><caption>Exchanges and their mediators</caption><thead><tr><th scope="col">date</th>' ..
      '<th scope="col">exchange</th><th scope="col">place</th><th scope="col">mediators</th>' ..
      '<th scope="col">what moved</th><th scope="col">sources</th></tr></thead><tbody>'
   for _, x in ipairs(data.exchanges) do
      local med, src = {}, {}
      for i, p in ipairs(x.mediators or {}) do med[i] = party_label(data, p) end
      for i, s in ipairs(x.sources or {}) do src[i] = '<span class="ids">' .. esc(s) .. "</span>" end
      o[#o + 1] = "<tr><td>" .. esc(x.date) .. '</td><td class="ids">' .. esc(x.id) .. "</td><td>" ..
         esc(x.place or "") .. "</td><td>" .. table.concat(med, ", ") .. "</td><td>" .. esc(x.moved) .. "</td><td>" ..
         table.concat(src, ", ") .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table></section>"
end

local function outcomes(o, model)
   o[#o + 1] = '<section id="outcomes"><h2>Rule outcomes</h2><table><caption>Each rule of the run</caption>' ..
      '<thead><tr><th scope="col">rule</th><th scope="col">version</th><th scope="col">outcome</th>' ..
      '<th scope="col">findings</th><th scope="col">kept</th><th scope="col">limit hit</th>' ..
      '<th scope="col">error</th><th scope="col">seconds</th></tr></thead><tbody>'
   for _, r in ipairs(model.outcomes) do
      o[#o + 1] = "<tr><td>" .. esc(r.rule) .. (r.description and ('<br><span class="meta">' .. esc(r.description) ..
         "</span>") or "") .. "</td><td>" .. esc(r.version or "") .. "</td><td>" .. esc(r.outcome) ..
         '</td><td class="n">' .. tostring(r.total or 0) .. '</td><td class="n">' ..
         tostring(model.kept[r.rule] or 0) .. (r.truncated and " (truncated)" or "") .. "</td><td>" ..
         esc(r.limit or "") .. "</td><td>" .. esc(r.error or "") .. '</td><td class="n">' ..
         (r.seconds and string.format("%.3f", r.seconds) or "") .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table>"
   for _, r in ipairs(model.outcomes) do
      if type(r.log) == "table" and #r.log > 0 then
         local lines = {}
         for i, l in ipairs(r.log) do lines[i] = esc(l) end
         o[#o + 1] = "<details><summary>Log of " .. esc(r.rule) .. " (" .. #r.log .. " lines)</summary><pre>" ..
            table.concat(lines, "\n") .. "</pre></details>"
      end
   end
   o[#o + 1] = "</section>"
end

-- The document's head (its title, the stylesheet, a policy that forbids any script or asset)
-- and the page header: the run's status, times, config checksum and parley's version.
local function page_top(o, model)
   local r = model.run
   local title = string.format("parley report: %s, run %s", tostring(r.config), tostring(r.id))
   o[#o + 1] = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' ..
      '<meta name="viewport" content="width=device-width,initial-scale=1">' ..
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; " ..
      "img-src data:\"><title>" .. esc(title) .. "</title><style>" .. STYLE .. chart.CSS ..
      "</style></head><body>"
   o[#o + 1] = "<header><h1>" .. esc(title) .. '</h1><p class="meta">status ' .. esc(r.status or "") ..
      " · started " .. esc(r.started_at or "") .. " · finished " .. esc(r.finished_at or "") ..
      ' · config sha256 <span class="ids">' .. esc(r.config_sha256 or "") .. "</span> · parley " ..
      esc(model.version) .. "</p>" .. (common.share_line(model) and ('<p class="meta share">' ..
      esc(common.share_line(model)) .. "</p>") or "") .. "</header>"
end

-- The table of contents: the sections of the records only when the store is there.
local function contents(o, model)
   o[#o + 1] = '<nav aria-label="Contents"><ul><li><a href="#summary">Summary</a></li><li><a href="#history">' ..
      'Since the previous run</a></li>' .. (model.data and '<li><a href="#subjects">Claims over time</a></li>' or "") ..
      '<li><a href="#findings">Findings</a></li>' .. (model.data and ('<li><a href="#exchanges">Exchanges</a></li>' ..
      '<li><a href="#sources">Sources</a></li>') or "") ..
      '<li><a href="#outcomes">Rule outcomes</a></li></ul></nav><main>'
end

function html.render(model, opts)
   local o = {}
   page_top(o, model)
   contents(o, model)
   summary(o, model)
   history_section(o, model)
   if model.data then subjects(o, model) end
   findings_section(o, model, opts.detail or common.DETAIL)
   if model.data then
      exchanges(o, model)
      sources_table(o, model)
   end
   outcomes(o, model)
   if not model.data then
      o[#o + 1] = "<p>The run's store is gone: the records behind the findings cannot be shown.</p>"
   end
   o[#o + 1] = "</main></body></html>\n"
   return table.concat(o)
end

return html
