-- SPDX-License-Identifier: MIT
-- The text report, a summary for a terminal: a line per finding with its evidence, where its
-- first evidence record was written, its measures and what a correction replaced, the
-- findings resolved since the previous run, failed and truncated rules, the
-- latest exchanges (what moved between the parties, to set the findings against), the
-- history, and a last line of counts.

local vocab = require "parley.vocab"
local common = require "parley.report.common"
local report_people = require "parley.report.people"
local printable = require("parley.text").printable

local text = {}

-- The records of the store the report shows: only the exchanges; and where the first evidence
-- record of each finding was written.
text.records = "exchanges"
text.positions = true

-- The ANSI colour of each severity (opts.colour); a spec checks it covers vocab.SEVERITIES.
text.COLOURS = { critical = "\27[1;31m", high = "\27[31m", medium = "\27[33m", low = "\27[36m", info = "\27[2m" }

-- The report lists the latest exchanges, up to this many.
local LATEST_EXCHANGES = 20

local function findings(line, paint, model)
   local h = model.history
   local corrections = common.corrections_by_index(model)
   for i, f in ipairs(model.findings) do
      local change = h and h.a and (" (" .. h.change[i] .. ")") or ""
      line(paint(f.severity, string.format("[%s]", f.severity)), " ", f.rule, ": ", f.message, change)
      local c = corrections[i]
      if c then line("    corrected: ", common.replaced_text(c), "; it was: ", c.from.message) end
      local ev, ms = common.evidence_text(f.evidence), common.measures_text(f.measures)
      if ev ~= "" then line("    evidence: ", ev) end
      local at = common.first_position(model, f.evidence)
      if at then line("    at: ", common.position_text(at), " (", at.kind, " ", at.id, ")") end
      if ms ~= "" then line("    measures: ", ms) end
      for _, l in ipairs(report_people.text_lines(model, f)) do line(l) end
   end
   if h then
      for _, f in ipairs(h.resolved) do line("[resolved] ", f.rule, ": ", f.message) end
   end
end

local function failed_and_truncated(line, paint, model)
   for _, o in ipairs(model.outcomes) do
      if o.outcome == "error" then line(paint("critical", "[error]"), " ", o.rule, ": ", o.error or "failed") end
      if o.truncated then
         line(string.format("[note] %s: reported %d findings; the first %d were kept", o.rule, o.total,
            model.kept[o.rule] or 0))
      end
   end
end

local function latest_exchanges(line, model)
   local exchanges = model.data and model.data.exchanges or {}
   local shown = math.min(#exchanges, LATEST_EXCHANGES)
   for i = #exchanges - shown + 1, #exchanges do
      local x = exchanges[i]
      line(string.format("[exchange] %s, %s%s: %s%s", x.id, x.date, x.place and (", " .. x.place) or "",
         common.exchange_moved(x), x.mediators and ("; mediated by " .. common.mediators(x)) or ""))
   end
   if #exchanges > shown then line(string.format("[exchange] (%d earlier ones)", #exchanges - shown)) end
end

local function plural(n, word)
   return string.format("%d %s%s", n, word, n == 1 and "" or "s")
end

-- "run 3: 9 rules, 7 findings (1 high, 4 medium, 2 low); 0 rule errors"
local function totals(line, model)
   local c = model.counts
   local sev = {}
   for i = #vocab.SEVERITIES, 1, -1 do
      local s = vocab.SEVERITIES[i]
      if c.severity[s] > 0 then sev[#sev + 1] = string.format("%d %s", c.severity[s], s) end
   end
   line(string.format("%s: %s, %s%s; %s", common.run_label(model.run), plural(#model.outcomes, "rule"),
      plural(c.findings, "finding"), #sev > 0 and (" (" .. table.concat(sev, ", ") .. ")") or "",
      plural(c.outcomes.error or 0, "rule error")))
end

-- What the report's own colours are, so that line() tells them from text of the data.
local Painted = {}
Painted.__index = Painted

-- opts.colour: ANSI colours for a terminal. Every piece of a line that is not the report's own
-- colour goes through parley.text.printable: the data can neither send the terminal escapes nor
-- start a line of its own (a line break in a message is followed by an indent).
function text.render(model, opts)
   local out = {}
   local function line(...)
      local pieces = table.pack(...)
      for i = 1, pieces.n do
         local p = pieces[i]
         pieces[i] = getmetatable(p) == Painted and p.text or printable(p, "    ")
      end
      out[#out + 1] = table.concat(pieces, "", 1, pieces.n)
   end
   local function paint(sev, s)
      return setmetatable({ text = opts.colour and ((text.COLOURS[sev] or "") .. s .. "\27[0m") or s }, Painted)
   end
   local shared = common.share_line(model)
   if shared then line(shared) end
   local resolved = common.resolutions_line(model)
   if resolved then line(resolved) end
   findings(line, paint, model)
   failed_and_truncated(line, paint, model)
   latest_exchanges(line, model)
   line(common.history_line(model))
   totals(line, model)
   return table.concat(out, "\n") .. "\n"
end

return text
