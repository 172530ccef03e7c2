-- SPDX-License-Identifier: MIT
-- The Markdown report: what the HTML report shows (summary by severity, history, each
-- subject's claims, each finding with its measures and evidence side by side, exchanges, rule
-- outcomes) as tables, without charts, for issues and wikis. Every string from the data is
-- escaped: Markdown and HTML punctuation with a backslash, and in table cells `|` and line
-- breaks too, so a cell never breaks its table.

local vocab = require "parley.vocab"
local common = require "parley.report.common"
local report_people = require "parley.report.people"
local printable = require("parley.text").printable

local markdown = {}

-- The records of the store the report shows: all of them.
markdown.records = true
-- It shows where each finding's first evidence record was written.
markdown.positions = true

-- Every ASCII punctuation character Markdown or HTML could read as markup gets a backslash;
-- a line break becomes line_break.
-- Control characters are then shown as escapes (parley.text.printable): the file is read in
-- terminals too.
local function escaped(s, line_break)
   s = tostring(s)
   if not s:find("[\\`*_{}%[%]<>|&~\n%c\128-\255]") then return s end
   s = s:gsub("[\\`*_{}%[%]<>|&~]", "\\%0")
   return printable((s:gsub("\r?\n", line_break)))
end

-- Text from the data, inline: line breaks become spaces.
local function esc(s)
   return escaped(s, " ")
end

-- A table cell: line breaks as <br>.
local function cell(s)
   return escaped(s, "<br>")
end

local function tbl(o, header, rows)
   o[#o + 1] = "| " .. table.concat(header, " | ") .. " |"
   local rule = {}
   for i = 1, #header do rule[i] = "---" end
   o[#o + 1] = "|" .. table.concat(rule, "|") .. "|"
   for _, r in ipairs(rows) do o[#o + 1] = "| " .. table.concat(r, " | ") .. " |" end
   o[#o + 1] = ""
end

-- A paragraph, and the blank line after it.
local function para(o, s)
   o[#o + 1] = s
   o[#o + 1] = ""
end

local function party(data, id)
   return common.party_label(data, id, cell)
end

---------------------------------------------------------------------------- a finding

-- One claim's column of a finding's claims table: id, party and value, date, scope, source,
-- grade, quote.
local function claim_column(data, id)
   local c = data and data.claims[id]
   if not c then return { cell(id), "", "", "", "", "", "" } end
   -- every source the claim names, each with where it came from, and each one's grade
   local said, grades = {}, {}
   for i, sid in ipairs(common.sources_of(c)) do
      local s = data.sources[sid] or {}
      local code, words = common.grade(s)
      said[i] = cell(s.title or sid) .. " (" .. cell(sid) .. ")" .. cell(common.provenance(s)) ..
         (s.speaker and (", " .. cell(s.speaker)) or "") .. (s.published and (", " .. cell(s.published)) or "")
      grades[i] = code ~= "" and (cell(code) .. " (" .. cell(words) .. ")") or "not graded"
   end
   return {
      cell(c.id), party(data, c.claimant) .. ": " .. cell(common.claim_value(c)) .. cell(common.account_of(c)),
      cell(c.as_of), cell(common.scope_text(c)), table.concat(said, "; "), table.concat(grades, "; "),
      cell(c.text or ""),
   }
end

local function measures_table(o, f)
   local ms = common.measures(f.measures)
   if #ms == 0 then return end
   local h, r = {}, {}
   for k, m in ipairs(ms) do h[k], r[k] = cell(m.name), cell(m.text) end
   tbl(o, h, { r })
end

-- The claims a finding compares side by side: one column each.
local function claims_table(o, data, f)
   local claims = common.ids(f.evidence, "claims")
   if #claims == 0 then return end
   local cols = {}
   for k, id in ipairs(claims) do cols[k] = claim_column(data, id) end
   local header = { "" }
   for k = 1, #cols do header[k + 1] = cols[k][1] end
   local rows = {}
   for n, label in ipairs({ "claim", "as of", "scope", "source", "grade", "says" }) do
      local r = { "**" .. label .. "**" }
      for k = 1, #cols do r[k + 1] = cols[k][n + 1] end
      rows[n] = r
   end
   tbl(o, header, rows)
end

-- The persons a list comparison matched, and the pairs it leaves for review.
local function person_pairs(o, f)
   for _, key in ipairs({ "pairs", "review" }) do
      local ps = common.pairs(f.details, key)
      if #ps > 0 then
         para(o, key == "pairs" and "Matched persons:" or "Pairs for review:")
         local rows = {}
         for k, p in ipairs(ps) do
            rows[k] = { cell(p.left), cell(p.left_name), cell(p.left_script), cell(p.right), cell(p.right_name),
               cell(p.right_script), cell(p.score) }
         end
         tbl(o, { "left", "name", "script", "right", "name", "script", "score" }, rows)
      end
   end
end

-- The evidence ids by kind, parties by name, and where the first evidence record was written.
local function evidence_list(o, model, f)
   local data = model.data
   local lines = {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      local ids = common.ids(f.evidence, kind)
      if #ids > 0 then
         local shown = {}
         for k, id in ipairs(ids) do shown[k] = kind == "parties" and party(data, id) or esc(id) end
         lines[#lines + 1] = "- " .. kind .. ": " .. table.concat(shown, ", ")
      end
   end
   local at = common.first_position(model, f.evidence)
   if at then
      lines[#lines + 1] = "- written at: " .. esc(common.position_text(at)) .. " (" .. at.kind .. " " .. esc(at.id) ..
         ")"
   end
   if #lines == 0 then return end
   para(o, "Evidence:")
   for _, l in ipairs(lines) do o[#o + 1] = l end
   o[#o + 1] = ""
end

local function finding(o, model, i, f, correction)
   local change = common.change(model, i)
   para(o, string.format("### %d. \\[%s\\] %s", i, esc(f.severity), esc(f.message)))
   para(o, string.format("Rule %s %s%s; fingerprint %s.", esc(f.rule), esc(f.rule_version or ""),
      change ~= "" and ("; " .. change) or "", esc(f.fingerprint)))
   if correction then
      para(o, string.format("Corrected since the previous run: %s; it was: %s (fingerprint %s).",
         esc(common.replaced_text(correction)), esc(correction.from.message), esc(correction.from.fingerprint)))
   end
   measures_table(o, f)
   claims_table(o, model.data, f)
   person_pairs(o, f)
   for _, l in ipairs(report_people.markdown_lines(model, f, esc)) do o[#o + 1] = l end
   evidence_list(o, model, f)
end

---------------------------------------------------------------------------- the sections

local function title(o, model)
   local r = model.run
   para(o, string.format("# parley report: %s, %s", esc(r.config), esc(common.run_label(r))))
   para(o, string.format("Status %s; started %s, finished %s; config SHA-256 %s; parley %s.", esc(r.status or ""),
      esc(r.started_at or ""), esc(r.finished_at or ""), esc(r.config_sha256 or ""), esc(model.version)))
   local imports = common.imports_line(model)
   if imports then para(o, esc(imports) .. ".") end
   local resolved = common.resolutions_line(model)
   if resolved then para(o, esc(resolved) .. ".") end
   local shared = common.share_line(model)
   if shared then para(o, esc(shared)) end
end

-- Findings by severity, most severe first, with how many are new, persisting, corrected and
-- resolved.
local function summary(o, model)
   para(o, "## Summary")
   local c = model.counts
   local new, persisting, resolved, corrected = common.changes_by_severity(model)
   local rows = {}
   for k = #vocab.SEVERITIES, 1, -1 do
      local s = vocab.SEVERITIES[k]
      rows[#rows + 1] = { s, tostring(c.severity[s]), tostring(new[s] or 0), tostring(persisting[s] or 0),
         tostring(corrected[s] or 0), tostring(resolved[s] or 0) }
   end
   tbl(o, { "severity", "findings", "new", "persisting", "corrected", "resolved" }, rows)
end

-- The previous run, the findings corrected and resolved since, and the rules that changed
-- version.
local function since_previous(o, model)
   local h = model.history
   para(o, "## Since the previous run")
   para(o, esc(common.history_line(model)))
   if h and #h.resolved > 0 then
      local rows = {}
      for k, f in ipairs(h.resolved) do
         rows[k] = { cell(f.severity), cell(f.rule), cell(f.message), cell(f.fingerprint) }
      end
      para(o, "Resolved findings:")
      tbl(o, { "severity", "rule", "message", "fingerprint" }, rows)
   end
   if h and h.corrected and #h.corrected > 0 then
      local rows = {}
      for k, c in ipairs(h.corrected) do
         rows[k] = { tostring(c.index or ""), cell(c.to.severity), cell(c.to.rule), cell(c.from.message),
            cell(c.to.message), cell(common.replaced_text(c)), cell(c.from.fingerprint .. " -> " .. c.to.fingerprint) }
      end
      para(o, "Corrected findings (the previous run's, on evidence superseded since, and this run's on the " ..
         "correction):")
      tbl(o, { "#", "severity", "rule", "message before", "message now", "evidence replaced", "fingerprints" }, rows)
   end
   if h and (#h.rules_changed + #h.rules_added + #h.rules_removed) > 0 then
      local rows = {}
      for _, l in ipairs({ h.rules_changed, h.rules_added, h.rules_removed }) do
         for _, x in ipairs(l) do
            rows[#rows + 1] = { cell(x.rule), cell(x.from or "(not run)"), cell(x.to or "(not run)") }
         end
      end
      para(o, "Rules that changed:")
      tbl(o, { "rule", "before", "now" }, rows)
   end
end

-- A busy subject: each party's counts in one row.
local function subject_by_party(o, data, g)
   para(o, string.format("%d counts, too many to list here; party by party:", g.counted))
   local rows = {}
   for k, b in ipairs(common.party_summary(g.claims)) do
      rows[k] = { party(data, b.party), tostring(b.n), cell(b.first), cell(b.last), common.thousands(b.lo),
         common.thousands(b.hi), tostring(b.sources) }
   end
   tbl(o, { "party", "counts claimed", "from", "to", "lowest", "highest", "sources" }, rows)
end

-- Every claim of a subject.
local function subject_claims(o, data, g)
   local rows = {}
   for k, cl in ipairs(g.claims) do
      local said, grades = {}, {}
      for i, sid in ipairs(common.sources_of(cl)) do
         local s = data.sources[sid] or {}
         said[i] = cell(s.title or sid) .. " (" .. cell(sid) .. ")" .. cell(common.provenance(s))
         grades[i] = cell((common.grade(s)))
      end
      rows[k] = { party(data, cl.claimant), cell(cl.as_of), cell(common.claim_value(cl)) ..
         (cl.superseded_by and (" (superseded by " .. cell(cl.superseded_by) .. ")") or "") ..
         cell(common.account_of(cl)), cell(common.scope_text(cl)), table.concat(said, "; "),
         table.concat(grades, "; "), cell(cl.text or "") }
   end
   tbl(o, { "party", "as of", "claim", "scope", "source", "grade", "says" }, rows)
end

local function subjects(o, data)
   para(o, "## Claims by subject")
   for _, g in ipairs(data.subjects) do
      para(o, "### " .. esc(common.subject_title(g)))
      if g.counted > common.DENSE then
         subject_by_party(o, data, g)
      else
         subject_claims(o, data, g)
      end
   end
end

-- A table of every finding, then the first `detail` of them with their evidence.
local function findings(o, model, detail)
   para(o, "## Findings")
   local rows = {}
   for i, f in ipairs(model.findings) do
      rows[i] = { tostring(i), cell(f.severity), cell(f.rule), cell(common.change(model, i)), cell(f.message),
         cell(common.measures_text(f.measures)), cell(common.evidence_text(f.evidence)), cell(f.fingerprint) }
   end
   if #rows > 0 then
      tbl(o, { "#", "severity", "rule", "change", "message", "measures", "evidence", "fingerprint" }, rows)
   else
      para(o, "No findings.")
   end
   if #model.findings > detail then
      para(o, string.format("The first %s findings, the most severe, follow with their evidence side by side; " ..
         "the table above lists all %s.", common.thousands(detail), common.thousands(#model.findings)))
   end
   local corrections = common.corrections_by_index(model)
   for i, f in ipairs(model.findings) do
      if i > detail then break end
      finding(o, model, i, f, corrections[i])
   end
end

local function exchanges(o, data)
   para(o, "## Exchanges")
   local rows = {}
   for k, x in ipairs(data.exchanges) do
      local med = common.mediators(x, function(p) return party(data, p) end, cell)
      rows[k] = { cell(x.date), cell(x.id), cell(x.place or ""), med, cell(x.moved),
         cell(table.concat(x.sources or {}, ", ")) }
   end
   if #rows > 0 then
      tbl(o, { "date", "exchange", "place", "mediators", "what moved", "sources" }, rows)
   else
      para(o, "The store has no exchanges.")
   end
end

local function outcomes(o, model)
   para(o, "## Rule outcomes")
   local rows = {}
   for k, x in ipairs(model.outcomes) do
      rows[k] = { cell(x.rule), cell(x.version or ""), cell(x.outcome), tostring(x.total or 0),
         tostring(model.kept[x.rule] or 0) .. (x.truncated and " (truncated)" or ""), cell(x.limit or ""),
         cell(x.error or ""), x.seconds and string.format("%.3f", x.seconds) or "" }
   end
   tbl(o, { "rule", "version", "outcome", "findings", "kept", "limit hit", "error", "seconds" }, rows)
end

-- opts.detail: how many findings are shown with their evidence (common.DETAIL).
function markdown.render(model, opts)
   opts = opts or {}
   local data = model.data
   local o = {}
   title(o, model)
   summary(o, model)
   since_previous(o, model)
   if data then subjects(o, data) end
   findings(o, model, opts.detail or common.DETAIL)
   if data then exchanges(o, data) end
   outcomes(o, model)
   if not data then para(o, "The run's store is gone: the records behind the findings cannot be shown.") end
   return table.concat(o, "\n")
end

return markdown
