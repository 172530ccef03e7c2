-- SPDX-License-Identifier: MIT
-- The HTML report: one self-contained file (no external assets; one inline script, the
-- findings' filters, allowed by its hash and nothing else; readable without JavaScript and in
-- print) with the summary by severity, the history since the previous run,
-- a timeline chart per subject (report/chart.lua), a table of every finding and each finding
-- (the first common.DETAIL) with its measures and its evidence side by side, the exchanges
-- with their mediators, the sources, and the rule outcomes. Every string from the data is
-- escaped: a dataset is untrusted.

local vocab = require "parley.vocab"
local core = require "parley.core"
local common = require "parley.report.common"
local chart = require "parley.report.chart"

local html = {}

-- The records of the store the report shows: all of them; and where each finding's first
-- evidence record was written.
html.records = true
html.positions = true

local esc = common.html_escape
local report_people = require "parley.report.people"

-- An id from the data, escaped, with a break opportunity after each separator (- _ / # . : ,)
-- that a space does not follow (a space is one already), so that a long id wraps there and
-- never mid-word.
local function id_html(s)
   return (esc(s):gsub("([%-_/#%.:,])(%S)", "%1<wbr>%2"))
end

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
.meta{color:#555;font-size:.88em}.ids{font-family:ui-monospace,monospace;font-size:.88em}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.8em}
.card{border:1px solid #bbb;border-radius:4px;padding:.5em .8em;background:#fafafa}
.card h4{margin:.1em 0 .3em;font-size:1em}.card dl{margin:0;display:grid;grid-template-columns:max-content 1fr;
gap:.1em .8em}.card dt{font-weight:600;color:#444}.card dd{margin:0}
blockquote{margin:.4em 0;padding:.2em .8em;border-left:3px solid #999;background:#fff;font-style:italic}
figure{margin:1em 0}figcaption{font-size:.9em;color:#444}svg.timeline{max-width:100%;height:auto;
background:#fff;border:1px solid #ddd}
nav ul{columns:2}
[hidden]{display:none!important}
.filters{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;margin:.6em 0;padding:.5em .8em;
background:#f6f6f6;border:1px solid #ddd;border-radius:4px}.filters select{max-width:16em}
.filters input{width:14em}pre{white-space:pre-wrap;overflow-wrap:anywhere}
.subject,.finding,.lazy{content-visibility:auto;contain-intrinsic-size:auto 640px}
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
   o[#o + 1] = '<div class="card"><h4>' .. party_label(data, c.claimant) .. ": " .. esc(common.claim_value(c)) ..
      "</h4><dl><dt>claim</dt><dd class=\"ids\">" .. id_html(c.id) .. "</dd><dt>as of</dt><dd>" .. esc(c.as_of) ..
      "</dd><dt>subject</dt><dd>" .. esc(common.subject_title(c)) .. "</dd>"
   if c.exchange then
      o[#o + 1] = "<dt>account of</dt><dd>" .. esc(common.account_of(c):match("^ %(account of (.*)%)$")) .. "</dd>"
   end
   if c.scope and #c.scope > 0 then o[#o + 1] = "<dt>scope</dt><dd>" .. esc(common.scope_text(c)) .. "</dd>" end
   -- every source the claim names, each with where it came from and its grade
   local ids = common.sources_of(c)
   for _, sid in ipairs(ids) do
      local s = data.sources[sid] or {}
      local code, words = common.grade(s)
      o[#o + 1] = "<dt>source</dt><dd>" .. esc(s.title or sid) .. ' <span class="ids">(' .. id_html(sid) ..
         ")</span>" .. esc(common.provenance(s)) .. (s.speaker and ("<br>" .. esc(s.speaker)) or "") ..
         (s.published and (", " .. esc(s.published)) or "") .. (s.url and ("<br>" .. link(s.url)) or "") ..
         "<br>" .. (code ~= "" and ("<strong>" .. esc(code) .. "</strong> " .. esc(words)) or "not graded") ..
         "</dd>"
   end
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
      o[#o + 1] = '<tr><td class="ids">' .. id_html(p.left) .. "</td><td>" .. esc(p.left_name) .. "</td><td>" ..
         esc(p.left_script) .. '</td><td class="ids">' .. id_html(p.right) .. "</td><td>" .. esc(p.right_name) ..
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

-- An exchange record as a card: date, place, mediators with their roles, what moved (by
-- category), its sources.
local function exchange_card(o, data, x)
   local src = {}
   for i, s in ipairs(x.sources or {}) do src[i] = id_html(s) end
   o[#o + 1] = '<div class="card exchange"><h4>Exchange record ' .. esc(x.id) .. "</h4><dl><dt>date</dt><dd>" ..
      esc(x.date) .. "</dd>" .. (x.place and ("<dt>place</dt><dd>" .. esc(x.place) .. "</dd>") or "")
   if x.mediators then
      o[#o + 1] = "<dt>mediators</dt><dd>" .. common.mediators(x, function(p) return party_label(data, p) end, esc,
         "<br>") .. "</dd>"
   end
   for _, t in ipairs(x.transfers or {}) do o[#o + 1] = "<dt>moved</dt><dd>" .. esc(common.transfer(t)) .. "</dd>" end
   if #src > 0 then o[#o + 1] = '<dt>sources</dt><dd class="ids">' .. table.concat(src, ", ") .. "</dd>" end
   o[#o + 1] = "</dl>" .. (x.text and ("<blockquote>" .. esc(x.text) .. "</blockquote>") or "") .. "</div>"
end

-- The exchanges of a report's data by id, made once per data (a shared report's data is a
-- copy with its own exchanges, so the index is never of records it leaves out).
local exchange_index = setmetatable({}, { __mode = "k" })
local function exchange_by_id(data, id)
   local list = data and data.exchanges
   if not list then return nil end
   local index = exchange_index[list]
   if not index then
      index = {}
      for _, x in ipairs(list) do index[x.id] = x end
      exchange_index[list] = index
   end
   return index[id]
end

-- The claims a finding compares, a card each, side by side; the competing accounts of an
-- exchange beside the exchange record they are accounts of.
local function claim_cards(o, data, f)
   local claims = common.ids(f.evidence, "claims")
   local accounts_of = {}
   for _, id in ipairs(claims) do
      local c = data and data.claims[id]
      if c and c.exchange then accounts_of[c.exchange] = true end
   end
   -- a finding about an exchange's accounts shows its record even when no claim is in it (a
   -- transfer no account mentions, the persons the lists name)
   local about_accounts = f.rule == "exchange_accounts"
   local cards = {}
   for _, xid in ipairs(common.ids(f.evidence, "exchanges")) do
      local x = (accounts_of[xid] or about_accounts) and exchange_by_id(data, xid)
      if x then cards[#cards + 1] = x end
   end
   if #claims == 0 and #cards == 0 then return end
   o[#o + 1] = '<div class="side">'
   for _, x in ipairs(cards) do exchange_card(o, data, x) end
   for _, id in ipairs(claims) do claim_card(o, data, id) end
   o[#o + 1] = "</div>"
end

-- One evidence id: a party by its name, a source by its title, anything else as the id.
local function evidence_id(data, kind, id)
   if kind == "parties" then return party_label(data, id) end
   if kind == "sources" and data and data.sources[id] then
      return esc(data.sources[id].title) .. ' <span class="ids">(' .. id_html(id) .. ")</span>"
   end
   return '<span class="ids">' .. id_html(id) .. "</span>"
end

-- The evidence ids of a finding by kind, and the persons a list comparison found on one side
-- only.
local function evidence_table(o, model, f)
   local data = model.data
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
   local at = common.first_position(model, f.evidence)
   if at then
      rows[#rows + 1] = '<tr><th scope="row">written at</th><td class="ids">' ..
         id_html(common.position_text(at)) .. " (" .. esc(at.kind) .. " " .. id_html(at.id) .. ")</td></tr>"
   end
   if #rows > 0 then
      o[#o + 1] = '<table class="evidence"><caption>Evidence</caption><tbody>' .. table.concat(rows) ..
         "</tbody></table>"
   end
end

---------------------------------------------------------------------------- filters

-- The script of the findings' filters: the only script of the page, the same in every report
-- (no data in it), so the Content-Security-Policy allows it by its hash and nothing else. It
-- shows the filter form (hidden without JavaScript, when every finding shows) and hides the
-- rows and articles of findings that do not match the severity, rule, subject and party chosen
-- and the words searched (in the message and the ids).
html.SCRIPT = [[
(function(){var form=document.getElementById("filters");if(!form)return;form.hidden=false;
var items=Array.prototype.slice.call(document.querySelectorAll("#findings [data-sev]"));
var out=document.getElementById("filter-count"),rows=0;
items.forEach(function(it){if(it.tagName==="TR")rows++});
function run(){var v={};Array.prototype.forEach.call(form.querySelectorAll("[data-f]"),function(e){
v[e.getAttribute("data-f")]=e.value});var q=(v.q||"").trim().toLowerCase(),shown=0;
items.forEach(function(it){var d=it.dataset,ok=(!v.sev||d.sev===v.sev)&&(!v.rule||d.rule===v.rule)&&
(!v.subject||(d.subject||"").indexOf(" "+v.subject+" ")>=0)&&
(!v.party||(d.party||"").indexOf(" "+v.party+" ")>=0);
if(ok&&q){if(it._text===undefined)it._text=it.textContent.toLowerCase();ok=it._text.indexOf(q)>=0}
it.hidden=!ok;if(ok&&it.tagName==="TR")shown++});
out.textContent=shown+" of "+rows+" findings shown"}
form.addEventListener("input",run);form.addEventListener("change",run);
form.addEventListener("submit",function(e){e.preventDefault();run()});run()})();
]]

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

-- The base64 of the bytes a hex string spells (a SHA-256 for the policy's hash source).
local function hex_base64(hex)
   local bytes = hex:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end)
   local out = {}
   for i = 1, #bytes, 3 do
      local a, b, c = bytes:byte(i, i + 2)
      local n = a * 65536 + (b or 0) * 256 + (c or 0)
      local chars = {}
      for k = 3, 0, -1 do
         local v = (n >> (6 * k)) & 63
         chars[#chars + 1] = B64:sub(v + 1, v + 1)
      end
      if not b then chars[3], chars[4] = "=", "=" elseif not c then chars[4] = "=" end
      out[#out + 1] = table.concat(chars)
   end
   return table.concat(out)
end

-- The policy: nothing from the network, styles inline, and only the filters' script.
html.CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-" ..
   hex_base64(core.sha256(html.SCRIPT)) .. "'"

-- The subject each claim is counted in (its index among the report's subjects).
local function subject_of_claims(data)
   local of = {}
   for n, g in ipairs(data and data.subjects or {}) do
      for _, c in ipairs(g.claims) do of[c.id] = n end
   end
   return of
end

-- What the filters match a finding on: its parties (in its evidence, and the claimants of its
-- claims) and its subjects (of its claims), each list padded with spaces.
local function facets(model, f, subject_of)
   local parties, subjects, seen = {}, {}, {}
   local function party(p)
      if p and not seen["p" .. p] then
         seen["p" .. p] = true
         parties[#parties + 1] = p
      end
   end
   for _, p in ipairs(common.ids(f.evidence, "parties")) do party(p) end
   for _, id in ipairs(common.ids(f.evidence, "claims")) do
      local c = model.data and model.data.claims[id]
      if c then party(c.claimant) end
      local n = subject_of[id]
      if n and not seen["s" .. n] then
         seen["s" .. n] = true
         subjects[#subjects + 1] = tostring(n)
      end
   end
   return parties, subjects
end

-- (a finding with no party or no subject has no attribute for it: the page stays small)
local function data_attributes(f, parties, subjects)
   return ' data-sev="' .. esc(f.severity) .. '" data-rule="' .. esc(f.rule) .. '"' ..
      (#parties > 0 and (' data-party=" ' .. esc(table.concat(parties, " ")) .. ' "') or "") ..
      (#subjects > 0 and (' data-subject=" ' .. table.concat(subjects, " ") .. ' "') or "")
end

-- The filter form (shown by html.SCRIPT): a choice of each severity, rule, subject and party
-- the findings have, and a search box.
local function filter_form(o, model, all)
   local sev, rules, parties, subjects = {}, {}, {}, {}
   local seen = {}
   for _, s in ipairs(vocab.SEVERITIES) do seen["v" .. s] = false end
   for _, a in ipairs(all) do
      local f = a.finding
      seen["v" .. f.severity] = true
      if not seen["r" .. f.rule] then seen["r" .. f.rule] = true rules[#rules + 1] = f.rule end
      for _, p in ipairs(a.parties) do
         if not seen["p" .. p] then seen["p" .. p] = true parties[#parties + 1] = p end
      end
      for _, n in ipairs(a.subjects) do
         if not seen["s" .. n] then seen["s" .. n] = true subjects[#subjects + 1] = tonumber(n) end
      end
   end
   for k = #vocab.SEVERITIES, 1, -1 do
      if seen["v" .. vocab.SEVERITIES[k]] then sev[#sev + 1] = vocab.SEVERITIES[k] end
   end
   table.sort(rules)
   table.sort(parties)
   table.sort(subjects)
   local function select(name, key, values, label)
      o[#o + 1] = "<label>" .. name .. ' <select data-f="' .. key .. '"><option value="">all</option>'
      for _, v in ipairs(values) do
         o[#o + 1] = '<option value="' .. esc(v) .. '">' .. label(v) .. "</option>"
      end
      o[#o + 1] = "</select></label> "
   end
   o[#o + 1] = '<form id="filters" class="filters" role="search" aria-label="Filter the findings" hidden>'
   select("severity", "sev", sev, esc)
   select("rule", "rule", rules, esc)
   select("subject", "subject", subjects, function(n) return esc(common.subject_title(model.data.subjects[n])) end)
   select("party", "party", parties, function(p) return party_label(model.data, p) end)
   o[#o + 1] = '<label>search <input type="search" data-f="q" placeholder="message or id"></label> ' ..
      '<output id="filter-count" aria-live="polite"></output></form>'
end

local function finding(o, model, i, f, attributes, correction)
   local change = common.change(model, i)
   o[#o + 1] = '<article class="finding f-' .. esc(f.severity) .. '" id="finding-' .. i .. '"' .. attributes ..
      "><h3>" ..
      sev_badge(f.severity) .. " " .. esc(f.message) .. "</h3><p class=\"meta\">" .. esc(f.rule) .. " " ..
      esc(f.rule_version or "") .. (change ~= "" and (' <span class="chg">' .. esc(change) .. "</span>") or "") ..
      ' · fingerprint <span class="ids">' .. id_html(f.fingerprint) .. "</span></p>"
   if correction then
      o[#o + 1] = '<p class="meta corrected">Corrected since the previous run: <span class="ids">' ..
         id_html(common.replaced_text(correction, "→")) .. "</span>; it was “" .. esc(correction.from.message) ..
         '” (fingerprint <span class="ids">' .. id_html(correction.from.fingerprint) .. "</span>).</p>"
   end
   measures_table(o, f)
   claim_cards(o, model.data, f)
   pairs_table(o, common.pairs(f.details, "pairs"), "Matched persons")
   pairs_table(o, common.pairs(f.details, "review"), "Pairs for review")
   evidence_table(o, model, f)
   o[#o + 1] = "</article>"
end


local function findings_section(o, model, detail)
   local n = #model.findings
   o[#o + 1] = '<section id="findings"><h2>Findings</h2>'
   if n == 0 then
      o[#o + 1] = "<p>No findings.</p></section>"
      return
   end
   local subject_of, all = subject_of_claims(model.data), {}
   local corrections = common.corrections_by_index(model)
   for i, f in ipairs(model.findings) do
      local parties, subjects = facets(model, f, subject_of)
      all[i] = { finding = f, parties = parties, subjects = subjects,
         attributes = data_attributes(f, parties, subjects) }
   end
   filter_form(o, model, all)
   o[#o + 1] = '<div class="lazy"><table class="all"><caption>Every finding, most severe first</caption><thead><tr>' ..
      '<th scope="col">#</th><th scope="col">severity</th><th scope="col">rule</th><th scope="col">change</th>' ..
      '<th scope="col">message</th><th scope="col">measures</th><th scope="col">evidence</th></tr></thead><tbody>'
   for i, f in ipairs(model.findings) do
      local number = i <= detail and ('<a href="#finding-' .. i .. '">' .. i .. "</a>") or tostring(i)
      o[#o + 1] = "<tr" .. all[i].attributes .. '><td class="n">' .. number ..
         "</td><td>" .. esc(f.severity) .. "</td><td>" .. esc(f.rule) .. "</td><td>" .. esc(common.change(model, i)) ..
         (corrections[i] and (' <span class="ids">(' .. id_html(common.replaced_text(corrections[i], "→")) ..
            ")</span>") or "") ..
         "</td><td>" .. esc(f.message) .. "</td><td>" .. esc(common.measures_text(f.measures)) ..
         '</td><td class="ids">' .. id_html(common.evidence_text(f.evidence)) .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table></div>"
   if n > detail then
      o[#o + 1] = string.format("<p>The first %s findings, the most severe, are shown below with their evidence " ..
         "side by side; the table above lists all %s with their evidence ids.</p>", common.thousands(detail),
         common.thousands(n))
   end
   for i, f in ipairs(model.findings) do
      if i > detail then break end
      finding(o, model, i, f, all[i].attributes, corrections[i])
   end
   o[#o + 1] = "</section>"
end

local function summary(o, model)
   local c, h = model.counts, model.history
   local new, persisting, resolved, corrected = common.changes_by_severity(model)
   o[#o + 1] = '<section id="summary"><h2>Summary</h2><table class="summary"><caption>Findings by severity' ..
      '</caption><thead><tr><th scope="col">severity</th><th scope="col">findings</th><th scope="col">new</th>' ..
      '<th scope="col">persisting</th><th scope="col">corrected</th><th scope="col">resolved</th></tr></thead>' ..
      "<tbody>"
   for k = #vocab.SEVERITIES, 1, -1 do
      local s = vocab.SEVERITIES[k]
      o[#o + 1] = '<tr><th scope="row">' .. sev_badge(s) .. '</th><td class="n">' .. c.severity[s] ..
         '</td><td class="n">' .. (new[s] or 0) .. '</td><td class="n">' .. (persisting[s] or 0) ..
         '</td><td class="n">' .. (corrected[s] or 0) .. '</td><td class="n">' .. (resolved[s] or 0) .. "</td></tr>"
   end
   o[#o + 1] = '<tr><th scope="row">all</th><td class="n">' .. c.findings .. '</td><td class="n">' ..
      (h and #h.new or 0) .. '</td><td class="n">' .. (h and #h.persisting or 0) .. '</td><td class="n">' ..
      (h and h.corrected and #h.corrected or 0) .. '</td><td class="n">' .. (h and #h.resolved or 0) ..
      "</td></tr></tbody></table>"
   local parts = {}
   for _, k in ipairs({ "pass", "findings", "error" }) do
      parts[#parts + 1] = string.format("%d %s", c.outcomes[k] or 0, k == "pass" and "passed" or
         (k == "error" and "failed" or "with findings"))
   end
   o[#o + 1] = "<p>" .. #model.outcomes .. " rule" .. (#model.outcomes == 1 and "" or "s") .. ": " ..
      table.concat(parts, ", ") .. ".</p></section>"
end

local function history_section(o, model, detail)
   local h = model.history
   o[#o + 1] = '<section id="history"><h2>Since the previous run</h2><p>' .. esc(common.history_line(model)) .. "</p>"
   if h and #h.resolved > 0 then
      o[#o + 1] = '<table><caption>Resolved findings (in the previous run, not in this one)</caption><thead><tr>' ..
         '<th scope="col">severity</th><th scope="col">rule</th><th scope="col">message</th>' ..
         '<th scope="col">fingerprint</th></tr></thead><tbody>'
      for _, f in ipairs(h.resolved) do
         o[#o + 1] = "<tr><td>" .. sev_badge(f.severity) .. "</td><td>" .. esc(f.rule) .. "</td><td>" ..
            esc(f.message) .. '</td><td class="ids">' .. id_html(f.fingerprint) .. "</td></tr>"
      end
      o[#o + 1] = "</tbody></table>"
   end
   if h and h.corrected and #h.corrected > 0 then
      o[#o + 1] = '<table class="corrected"><caption>Corrected findings (the previous run\'s finding, on evidence ' ..
         'a correction has superseded since, and this run\'s on the correction)</caption><thead><tr>' ..
         '<th scope="col">#</th><th scope="col">severity</th><th scope="col">rule</th>' ..
         '<th scope="col">message before</th><th scope="col">message now</th><th scope="col">evidence replaced</th>' ..
         '<th scope="col">fingerprints</th></tr></thead><tbody>'
      for _, k in ipairs(h.corrected) do
         local number = k.index and (k.index <= detail and
            ('<a href="#finding-' .. k.index .. '">' .. k.index .. "</a>") or tostring(k.index)) or ""
         o[#o + 1] = '<tr><td class="n">' .. number .. "</td><td>" .. sev_badge(k.to.severity) .. "</td><td>" ..
            esc(k.to.rule) .. "</td><td>" .. esc(k.from.message) .. "</td><td>" .. esc(k.to.message) ..
            '</td><td class="ids">' .. id_html(common.replaced_text(k, "→")) .. '</td><td class="ids">' ..
            id_html(k.from.fingerprint) .. " → " .. id_html(k.to.fingerprint) .. "</td></tr>"
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
      local superseded = c.superseded_by and (" (superseded by " .. esc(c.superseded_by) .. ")") or ""
      local src, grades = {}, {}
      for i, sid in ipairs(common.sources_of(c)) do
         local s = data.sources[sid] or {}
         src[i] = id_html(sid) .. esc(common.provenance(s))
         grades[i] = esc((common.grade(s)))
      end
      o[#o + 1] = "<tr><td>" .. esc(c.claimant) .. "</td><td>" .. esc(c.as_of) .. "</td><td>" ..
         esc(common.claim_value(c)) .. superseded .. esc(common.account_of(c)) .. "</td><td>" ..
         esc(common.scope_text(c)) .. '</td><td class="ids">' .. id_html(c.id) .. '</td><td class="ids">' ..
         table.concat(src, "<br>") .. "</td><td>" .. table.concat(grades, "<br>") .. "</td><td>" ..
         esc(c.text or "") .. "</td></tr>"
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
   o[#o + 1] = '<section id="sources" class="lazy"><h2>Sources</h2>'
   if #ids == 0 then
      o[#o + 1] = "<p>The store has no sources.</p></section>"
      return
   end
   o[#o + 1] = '<table><caption>Every source, with its Admiralty grade</caption><thead><tr>' ..
      '<th scope="col">source</th><th scope="col">title</th><th scope="col">published by</th>' ..
      '<th scope="col">speaker</th><th scope="col">published</th><th scope="col">grade</th>' ..
      '<th scope="col">relays</th><th scope="col">address</th></tr></thead><tbody>'
   for _, id in ipairs(ids) do
      local s = data.sources[id]
      local code, words = common.grade(s)
      o[#o + 1] = '<tr><td class="ids">' .. id_html(id) .. "</td><td>" .. esc(s.title) .. "</td><td>" ..
         (s.party and party_label(data, s.party) or "") .. "</td><td>" .. esc(s.speaker or "") .. "</td><td>" ..
         esc(s.published or "") .. "</td><td>" .. (code ~= "" and (esc(code) .. " (" .. esc(words) .. ")") or "") ..
         '</td><td class="ids">' .. (s.via and id_html(s.via) or
            s.origin and (id_html(s.origin) .. " (not a source here)") or "") .. "</td><td>" .. link(s.url) ..
         "</td></tr>"
   end
   o[#o + 1] = "</tbody></table></section>"
end

-- The exchanges a chart numbers: date, place and what moved of its subject between its
-- parties; and, when the chart draws only some, how many it leaves out.
local function exchange_key(o, g, f)
   if #f.xs == 0 then return end
   o[#o + 1] = '<table class="xkey"><caption>Exchanges on the chart</caption><thead><tr><th scope="col">#</th>' ..
      '<th scope="col">date</th><th scope="col">place</th><th scope="col">what moved</th></tr></thead><tbody>'
   for i, x in ipairs(f.xs) do
      local moved = {}
      for k, t in ipairs(chart.moved(g, x)) do moved[k] = esc(common.transfer(t)) end
      o[#o + 1] = '<tr><td class="n">' .. i .. "</td><td>" .. esc(x.date) .. "</td><td>" .. esc(x.place or "") ..
         "</td><td>" .. table.concat(moved, "; ") .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table>"
   if f.exchanges_total > #f.xs then
      o[#o + 1] = string.format('<p class="meta">%s exchanges moved %s between these parties in the period: the ' ..
         "chart draws the %d nearest to its claims (at most %d per chart); the Exchanges section lists every one.</p>",
         common.thousands(f.exchanges_total), esc(g.subject), #f.xs, chart.MAX_EXCHANGES)
   end
end

local function subjects(o, model)
   local data = model.data
   o[#o + 1] = '<section id="subjects"><h2>Claims over time</h2>'
   if #data.subjects > 0 then o[#o + 1] = '<figure class="chart-key">' .. chart.key_svg() .. "</figure>" end
   local n = 0
   for _, g in ipairs(data.subjects) do
      n = n + 1
      o[#o + 1] = '<section class="subject"><h3 id="subject-' .. n .. '">' .. esc(common.subject_title(g)) .. "</h3>"
      local lay = chart.layout(g, data)
      if lay then
         local names = {}
         for i, p in ipairs(lay.parties) do names[i] = party_label(data, p) end
         o[#o + 1] = "<figure>" .. chart.svg(g, data, n, lay) .. "<figcaption>" .. g.counted .. " count" ..
            (g.counted == 1 and "" or "s") .. " claimed by " .. table.concat(names, ", ") ..
            (g.counted > common.DENSE and "; the table below sums them up party by party." or
               "; the table below lists every claim.") .. "</figcaption></figure>"
         exchange_key(o, g, lay.frame)
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
   o[#o + 1] = '<section id="exchanges" class="lazy"><h2>Exchanges</h2>'
   if #data.exchanges == 0 then
      o[#o + 1] = "<p>The store has no exchanges.</p></section>"
      return
   end
   o[#o + 1] = '<table><caption>Exchanges and their mediators</caption><thead><tr><th scope="col">date</th>' ..
      '<th scope="col">exchange</th><th scope="col">place</th><th scope="col">mediators</th>' ..
      '<th scope="col">what moved</th><th scope="col">sources</th></tr></thead><tbody>'
   for _, x in ipairs(data.exchanges) do
      local src = {}
      local med = common.mediators(x, function(p) return party_label(data, p) end, esc, "<br>")
      for i, s in ipairs(x.sources or {}) do src[i] = '<span class="ids">' .. id_html(s) .. "</span>" end
      o[#o + 1] = "<tr><td>" .. esc(x.date) .. '</td><td class="ids">' .. id_html(x.id) .. "</td><td>" ..
         esc(x.place or "") .. "</td><td>" .. med .. "</td><td>" .. esc(x.moved) .. "</td><td>" ..
         table.concat(src, ", ") .. "</td></tr>"
   end
   o[#o + 1] = "</tbody></table></section>"
end

local function outcomes(o, model)
   o[#o + 1] = '<section id="outcomes" class="lazy"><h2>Rule outcomes</h2><table><caption>Each rule of the run' ..
      "</caption>" ..
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
   local title = string.format("parley report: %s, %s", tostring(r.config), common.run_label(r))
   o[#o + 1] = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' ..
      '<meta name="viewport" content="width=device-width,initial-scale=1">' ..
      '<meta http-equiv="Content-Security-Policy" content="' .. html.CSP .. '"><title>' .. esc(title) ..
      "</title><style>" .. STYLE .. chart.CSS ..
      "</style></head><body>"
   o[#o + 1] = "<header><h1>" .. esc(title) .. '</h1><p class="meta">status ' .. esc(r.status or "") ..
      " · started " .. esc(r.started_at or "") .. " · finished " .. esc(r.finished_at or "") ..
      ' · config sha256 <span class="ids">' .. id_html(r.config_sha256 or "") .. "</span> · parley " ..
      esc(model.version) .. "</p>" .. (common.imports_line(model) and ('<p class="meta imports">' ..
      esc(common.imports_line(model)) .. "</p>") or "") .. (common.share_line(model) and ('<p class="meta share">' ..
      esc(common.share_line(model)) .. "</p>") or "") .. (common.resolutions_line(model) and
      ('<p class="meta people">' .. esc(common.resolutions_line(model)) .. "</p>") or "") .. "</header>"
end

-- The table of contents: the sections of the records only when the store is there.
local function contents(o, model)
   o[#o + 1] = '<nav aria-label="Contents"><ul><li><a href="#summary">Summary</a></li><li><a href="#history">' ..
      'Since the previous run</a></li>' .. (model.data and '<li><a href="#subjects">Claims over time</a></li>' or "") ..
      '<li><a href="#findings">Findings</a></li>' ..
      ((model.people and model.people.total > 0) and '<li><a href="#people">People</a></li>' or "") ..
      (model.data and ('<li><a href="#exchanges">Exchanges</a></li>' ..
      '<li><a href="#sources">Sources</a></li>') or "") ..
      '<li><a href="#outcomes">Rule outcomes</a></li></ul></nav><main>'
end

function html.render(model, opts)
   local o = {}
   page_top(o, model)
   contents(o, model)
   summary(o, model)
   history_section(o, model, opts.detail or common.DETAIL)
   if model.data then subjects(o, model) end
   findings_section(o, model, opts.detail or common.DETAIL)
   report_people.html(o, model)
   if model.data then
      exchanges(o, model)
      sources_table(o, model)
   end
   outcomes(o, model)
   if not model.data then
      o[#o + 1] = "<p>The run's store is gone: the records behind the findings cannot be shown.</p>"
   end
   o[#o + 1] = "</main><script>" .. html.SCRIPT .. "</script></body></html>\n"
   return table.concat(o)
end

return html
