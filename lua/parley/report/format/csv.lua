-- SPDX-License-Identifier: MIT
-- The CSV report: one row per finding with its evidence ids, under two header rows: names,
-- then HXL hashtags (https://hxlstandard.org) so humanitarian tools can read it, with custom
-- #x_ tags where HXL has none (docs/reports.md). RFC 4180: CRLF line ends, fields quoted when
-- they hold a comma, a quote or a line break, quotes doubled. A cell from the data that starts
-- with = + - @, a tab or a carriage return gets a leading apostrophe, so no spreadsheet reads it
-- as a formula.

local common = require "parley.report.common"

local csv = {}

-- The records behind each finding (common.evidence_records): the relays and the exchanges'
-- mediators and transfers columns read them.
csv.records = "evidence"

-- "synd-1 via wire-1 am-press-1 relaying aze-mod-1": the relayed sources among a finding's
-- (the evidence's and its claims', lists' and exchanges').
local function relays(f, m)
   local r = common.evidence_records(m, f.evidence)
   local out = {}
   for _, s in ipairs(r and r.sources or {}) do
      if s.via then out[#out + 1] = s.id .. " via " .. s.via
      elseif s.origin then out[#out + 1] = s.id .. " relaying " .. s.origin end
   end
   return table.concat(out, " ")
end

-- The evidence exchanges' mediators ("2020-12-14-swap: RUS; ICRC delegation, health check (ICRC)")
-- or what they moved by category and region, exchange by exchange, "|" between two.
local function of_exchanges(f, m, what)
   local shown = m.data and common.exchange_by_id(m.data) or {}
   local out = {}
   for _, id in ipairs(common.ids(f.evidence, "exchanges")) do
      local x = shown[id]
      local text = x and (what == "mediators" and common.mediators(x) or common.exchange_moved(x))
      if text and text ~= "" then out[#out + 1] = id .. ": " .. text end
   end
   return table.concat(out, " | ")
end

-- What the HXL 1.1 dictionary (https://hxlstandard.org/standard/1-1final/dictionary/) has of
-- the tags below: the hashtags and the attributes it defines. Every other attribute is a
-- custom one and every #x_ hashtag an extension one, each documented in docs/reports.md; a
-- spec checks the columns use nothing else.
csv.HXL_DICTIONARY = {
   hashtags = { "#meta", "#severity", "#status", "#description", "#date" },
   attributes = { "reported", "id" },
}

-- name, HXL tag, value(finding, index, model). Columns that share a hashtag each have an
-- attribute no other has, and none has all of another's: so each column's tag, as an HXL
-- pattern (the hashtag and these attributes, or more), selects that column alone (#meta+rule
-- is the rule, not the rule's version too).
local COLUMNS = {
   { "run", "#meta+run", function(_, _, m) return m.run.id end },
   { "rule", "#meta+rule", function(f) return f.rule end },
   { "rule_version", "#meta+version", function(f) return f.rule_version end },
   { "severity", "#severity", function(f) return f.severity end },
   { "change", "#status+change", function(_, i, m) return common.change(m, i) end },
   { "message", "#description", function(f) return f.message end },
   { "reported", "#date+reported", function(_, _, m)
      return (m.run.finished_at or m.run.started_at or ""):sub(1, 10)
   end },
   { "claims", "#x_claims", function(f) return table.concat(common.ids(f.evidence, "claims"), " ") end },
   { "sources", "#meta+source", function(f) return table.concat(common.ids(f.evidence, "sources"), " ") end },
   { "parties", "#x_parties", function(f) return table.concat(common.ids(f.evidence, "parties"), " ") end },
   { "lists", "#x_lists", function(f) return table.concat(common.ids(f.evidence, "lists"), " ") end },
   { "exchanges", "#x_exchanges", function(f) return table.concat(common.ids(f.evidence, "exchanges"), " ") end },
   { "persons", "#x_persons", function(f) return table.concat(common.ids(f.evidence, "persons"), " ") end },
   { "relays", "#x_relays", function(f, _, m) return relays(f, m) end },
   { "mediators", "#x_mediators", function(f, _, m) return of_exchanges(f, m, "mediators") end },
   { "transfers", "#x_transfers", function(f, _, m) return of_exchanges(f, m, "transfers") end },
   { "measures", "#x_measures", function(f) return common.measures_text(f.measures) end },
   { "fingerprint", "#meta+id+fingerprint", function(f) return f.fingerprint end },
   -- the sharing level the report was made at (parley.share), so a row says what it withholds
   { "sharing", "#x_sharing", function(_, _, m) return m.share and m.share.level or "internal" end },
}

-- One field: formula-guarded, then quoted as RFC 4180 requires (parley.text.csv_field).
local field = require("parley.text").csv_field

function csv.render(model)
   local lines = {}
   local names, tags = {}, {}
   for i, c in ipairs(COLUMNS) do names[i], tags[i] = c[1], c[2] end
   lines[1] = table.concat(names, ",")
   lines[2] = table.concat(tags, ",")
   local row = {}
   for i, f in ipairs(model.findings) do
      for k, c in ipairs(COLUMNS) do row[k] = field(c[3](f, i, model)) end
      lines[#lines + 1] = table.concat(row, ",")
   end
   return table.concat(lines, "\r\n") .. "\r\n"
end

return csv
