-- The Markdown report: what the HTML report shows (summary by severity, history, each
-- subject's claims, each finding with its measures and evidence side by side, exchanges, rule
-- outcomes) as tables, without charts, for issues and wikis. Every string from the data is
-- escaped: Markdown and HTML punctuation with a backslash, and in table cells `|` and line
-- breaks too, so a cell never breaks its table.

local vocab = require "parley.vocab"
local fmt = require "parley.report_format"

local markdown = {}

-- Text from the data, inline: every ASCII punctuation character Markdown or HTML could read
-- as markup gets a backslash; line breaks become spaces.
local function esc(s)
   s = tostring(s)
   if not s:find("[\\`*_{}%[%]<>|&~\n]") then return s end
   s = s:gsub("[\\`*_{}%[%]<>|&~]", "\\%0")
   return (s:gsub("\r?\n", " "))
end
markdown.escape = esc

-- A table cell: escaped, line breaks as <br>.
local function cell(s)
   s = tostring(s)
   if not s:find("[\\`*_{}%[%]<>|&~\n]") then return s end
   s = s:gsub("[\\`*_{}%[%]<>|&~]", "\\%0")
   return (s:gsub("\r?\n", "<br>"))
end
markdown.cell = cell

local function tbl(o, header, rows)
   o[#o + 1] = "| " .. table.concat(header, " | ") .. " |"
   local rule = {}
   for i = 1, #header do rule[i] = "---" end
   o[#o + 1] = "|" .. table.concat(rule, "|") .. "|"
   for _, r in ipairs(rows) do o[#o + 1] = "| " .. table.concat(r, " | ") .. " |" end
   o[#o + 1] = ""
end

local function party(data, id)
   local p = data and data.parties[id]
   if p and p.name ~= id then return cell(p.name) .. " (" .. cell(id) .. ")" end
   return cell(id)
end

local function claim_column(data, id)
   local c = data and data.claims[id]
   if not c then return { cell(id), "", "", "", "", "", "" } end
   local s = data.sources[c.source] or {}
   local code, words = fmt.grade(s)
   local sc = {}
   for i, t in ipairs(c.scope or {}) do sc[i] = tostring(t) end
   return {
      cell(c.id), party(data, c.claimant) .. ": " .. cell(fmt.claim_value(c)), cell(c.as_of),
      cell(table.concat(sc, ", ")),
      cell(s.title or c.source) .. " (" .. cell(c.source) .. ")" .. (s.speaker and (", " .. cell(s.speaker)) or "") ..
         (s.published and (", " .. cell(s.published)) or ""),
      code ~= "" and (cell(code) .. " (" .. cell(words) .. ")") or "not graded", cell(c.text or ""),
   }
end

local function finding(o, model, i, f)
   local data = model.data
   local change = fmt.change(model, i)
   o[#o + 1] = string.format("### %d. \\[%s\\] %s", i, esc(f.severity), esc(f.message))
   o[#o + 1] = ""
   o[#o + 1] = string.format("Rule %s %s%s; fingerprint %s.", esc(f.rule), esc(f.rule_version or ""),
      change ~= "" and ("; " .. change) or "", esc(f.fingerprint))
   o[#o + 1] = ""
   local ms = fmt.measures(f.measures)
   if #ms > 0 then
      local h, r = {}, {}
      for k, m in ipairs(ms) do h[k], r[k] = cell(m.name), cell(m.text) end
      tbl(o, h, { r })
   end
   local claims = fmt.ids(f.evidence, "claims")
   if #claims > 0 then
      -- the claims side by side: one column each
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
   for _, key in ipairs({ "pairs", "review" }) do
      local ps = fmt.pairs(f.details, key)
      if #ps > 0 then
         o[#o + 1] = key == "pairs" and "Matched persons:" or "Pairs for review:"
         o[#o + 1] = ""
         local rows = {}
         for k, p in ipairs(ps) do
            rows[k] = { cell(p.left), cell(p.left_name), cell(p.left_script), cell(p.right), cell(p.right_name),
               cell(p.right_script), cell(p.score) }
         end
         tbl(o, { "left", "name", "script", "right", "name", "script", "score" }, rows)
      end
   end
   local lines = {}
   for _, kind in ipairs(fmt.EVIDENCE_KINDS) do
      local ids = fmt.ids(f.evidence, kind)
      if #ids > 0 then
         local shown = {}
         for k, id in ipairs(ids) do shown[k] = kind == "parties" and party(data, id) or esc(id) end
         lines[#lines + 1] = "- " .. kind .. ": " .. table.concat(shown, ", ")
      end
   end
   if #lines > 0 then
      o[#o + 1] = "Evidence:"
      o[#o + 1] = ""
      for _, l in ipairs(lines) do o[#o + 1] = l end
      o[#o + 1] = ""
   end
end

function markdown.render(model, opts)
   opts = opts or {}
   local r, c, h, data = model.run, model.counts, model.history, model.data
   local o = {}
   o[#o + 1] = string.format("# parley report: %s, run %s", esc(r.config), esc(r.id))
   o[#o + 1] = ""
   o[#o + 1] = string.format("Status %s; started %s, finished %s; config SHA-256 %s; parley %s.", esc(r.status or ""),
      esc(r.started_at or ""), esc(r.finished_at or ""), esc(r.config_sha256 or ""), esc(model.version))
   o[#o + 1] = ""
   o[#o + 1] = "## Summary"
   o[#o + 1] = ""
   local new, persisting, resolved = {}, {}, {}
   for i, f in ipairs(model.findings) do
      local ch = h and h.change[i]
      if ch == "new" then new[f.severity] = (new[f.severity] or 0) + 1 end
      if ch == "persisting" then persisting[f.severity] = (persisting[f.severity] or 0) + 1 end
   end
   for _, f in ipairs(h and h.resolved or {}) do resolved[f.severity] = (resolved[f.severity] or 0) + 1 end
   local rows = {}
   for k = #vocab.SEVERITIES, 1, -1 do
      local s = vocab.SEVERITIES[k]
      rows[#rows + 1] = { s, tostring(c.severity[s]), tostring(new[s] or 0), tostring(persisting[s] or 0),
         tostring(resolved[s] or 0) }
   end
   tbl(o, { "severity", "findings", "new", "persisting", "resolved" }, rows)

   o[#o + 1] = "## Since the previous run"
   o[#o + 1] = ""
   o[#o + 1] = esc(require("parley.report").history_line(model))
   o[#o + 1] = ""
   if h and #h.resolved > 0 then
      rows = {}
      for k, f in ipairs(h.resolved) do
         rows[k] = { cell(f.severity), cell(f.rule), cell(f.message), cell(f.fingerprint) }
      end
      o[#o + 1] = "Resolved findings:"
      o[#o + 1] = ""
      tbl(o, { "severity", "rule", "message", "fingerprint" }, rows)
   end
   if h and (#h.rules_changed + #h.rules_added + #h.rules_removed) > 0 then
      rows = {}
      for _, l in ipairs({ h.rules_changed, h.rules_added, h.rules_removed }) do
         for _, x in ipairs(l) do
            rows[#rows + 1] = { cell(x.rule), cell(x.from or "(not run)"), cell(x.to or "(not run)") }
         end
      end
      o[#o + 1] = "Rules that changed:"
      o[#o + 1] = ""
      tbl(o, { "rule", "before", "now" }, rows)
   end

   if data then
      o[#o + 1] = "## Claims by subject"
      o[#o + 1] = ""
      for _, g in ipairs(data.subjects) do
         o[#o + 1] = "### " .. esc(fmt.subject_title(g))
         o[#o + 1] = ""
         rows = {}
         if g.counted > fmt.DENSE then
            o[#o + 1] = string.format("%d counts, too many to list here; party by party:", g.counted)
            o[#o + 1] = ""
            for k, b in ipairs(fmt.party_summary(g)) do
               rows[k] = { party(data, b.party), tostring(b.n), cell(b.first), cell(b.last), fmt.thousands(b.lo),
                  fmt.thousands(b.hi), tostring(b.sources) }
            end
            tbl(o, { "party", "counts claimed", "from", "to", "lowest", "highest", "sources" }, rows)
            goto next_subject
         end
         for k, cl in ipairs(g.claims) do
            local s = data.sources[cl.source] or {}
            local sc = {}
            for n, t in ipairs(cl.scope or {}) do sc[n] = tostring(t) end
            rows[k] = { party(data, cl.claimant), cell(cl.as_of), cell(fmt.claim_value(cl)) ..
               (cl.superseded_by and (" (superseded by " .. cell(cl.superseded_by) .. ")") or ""),
               cell(table.concat(sc, ", ")), cell(s.title or cl.source) .. " (" .. cell(cl.source) .. ")",
               cell((fmt.grade(s))), cell(cl.text or "") }
         end
         tbl(o, { "party", "as of", "claim", "scope", "source", "grade", "says" }, rows)
         ::next_subject::
      end
   end

   o[#o + 1] = "## Findings"
   o[#o + 1] = ""
   rows = {}
   for i, f in ipairs(model.findings) do
      rows[i] = { tostring(i), cell(f.severity), cell(f.rule), cell(fmt.change(model, i)), cell(f.message),
         cell(fmt.measures_text(f.measures)), cell(fmt.evidence_text(f.evidence)), cell(f.fingerprint) }
   end
   if #rows > 0 then
      tbl(o, { "#", "severity", "rule", "change", "message", "measures", "evidence", "fingerprint" }, rows)
   else
      o[#o + 1] = "No findings."
      o[#o + 1] = ""
   end
   local detail = opts.detail or fmt.DETAIL
   if #model.findings > detail then
      o[#o + 1] = string.format("The first %s findings, the most severe, follow with their evidence side by side; " ..
         "the table above lists all %s.", fmt.thousands(detail), fmt.thousands(#model.findings))
      o[#o + 1] = ""
   end
   for i, f in ipairs(model.findings) do
      if i > detail then break end
      finding(o, model, i, f)
   end

   if data then
      o[#o + 1] = "## Exchanges"
      o[#o + 1] = ""
      rows = {}
      for k, x in ipairs(data.exchanges) do
         local med = {}
         for n, p in ipairs(x.mediators or {}) do med[n] = party(data, p) end
         rows[k] = { cell(x.date), cell(x.id), cell(x.place or ""), table.concat(med, ", "), cell(x.moved),
            cell(table.concat(x.sources or {}, ", ")) }
      end
      if #rows > 0 then
         tbl(o, { "date", "exchange", "place", "mediators", "what moved", "sources" }, rows)
      else
         o[#o + 1] = "The store has no exchanges."
         o[#o + 1] = ""
      end
   end

   o[#o + 1] = "## Rule outcomes"
   o[#o + 1] = ""
   rows = {}
   for k, x in ipairs(model.outcomes) do
      rows[k] = { cell(x.rule), cell(x.version or ""), cell(x.outcome), tostring(x.total or 0),
         tostring(model.kept[x.rule] or 0) .. (x.truncated and " (truncated)" or ""), cell(x.limit or ""),
         cell(x.error or ""), x.seconds and string.format("%.3f", x.seconds) or "" }
   end
   tbl(o, { "rule", "version", "outcome", "findings", "kept", "limit hit", "error", "seconds" }, rows)
   if not data then
      o[#o + 1] = "The run's store is gone: the records behind the findings cannot be shown."
      o[#o + 1] = ""
   end
   return table.concat(o, "\n")
end

return markdown
