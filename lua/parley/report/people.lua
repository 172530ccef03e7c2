-- SPDX-License-Identifier: MIT
-- The people behind the findings about persons (docs/reports.md): each person a finding names
-- in `details.people` (release_accounting, unaccounted_persons), with every spelling and the
-- entries behind each, the findings that name them and, when the run's store is there and the
-- report shares everything, the person's uncertain pairs and the reviewers' decisions that name
-- their entries. The formats lay it out: text under each finding, HTML in a section per person.

local common = require "parley.report.common"

local report_people = {}

-- At most this many persons get a section of their own in the HTML report (the report says
-- how many there are); and this many entries, uncertain pairs and decisions each.
report_people.MAX_PERSONS = 100
report_people.MAX_ROWS = 30
-- Entries shown under a finding in the text report, per person.
report_people.TEXT_ENTRIES = 8

-- The persons of the findings (details.people, and the persons for review of
-- details.for_review), in the order the findings first name them: {id, names, entries, more,
-- findings = {index...}}; details that are not tables are skipped.
local function of_findings(findings)
   local by_id, order = {}, {}
   local function each(f)
      local out = {}
      for _, key in ipairs({ "people", "for_review" }) do
         local list = type(f.details) == "table" and f.details[key]
         for _, d in ipairs(type(list) == "table" and list or {}) do
            -- a person (id and names), not a tie (entry and tie)
            if type(d) == "table" and d.id ~= nil and type(d.names) == "table" then out[#out + 1] = d end
         end
      end
      return out
   end
   for i, f in ipairs(findings) do
      for _, d in ipairs(each(f)) do
         do
            local id = tostring(d.id)
            local p = by_id[id]
            if not p then
               p = { id = id, names = {}, entries = {}, findings = {} }
               for k, n in ipairs(type(d.names) == "table" and d.names or {}) do p.names[k] = tostring(n) end
               for k, e in ipairs(type(d.entries) == "table" and d.entries or {}) do
                  if type(e) == "table" then p.entries[k] = e end
               end
               p.more = math.tointeger(d.more)
               by_id[id] = p
               order[#order + 1] = p
            end
            if p.findings[#p.findings] ~= i then p.findings[#p.findings + 1] = i end
         end
      end
   end
   return order
end

-- The uncertain pairs and decisions of the shown persons, from the store's resolution.
local function from_store(db, persons)
   local okp, people = pcall(require, "parley.people")
   local okr, records = pcall(require, "parley.records")
   if not (okp and okr) then return end
   local ok, resolution = pcall(people.resolution, db)
   if not ok or type(resolution) ~= "table" then return end
   local decisions_of = {}
   pcall(function()
      for d in records.identities(db) do
         for _, ref in ipairs(d.same or d.different or {}) do
            decisions_of[ref] = decisions_of[ref] or {}
            table.insert(decisions_of[ref], d)
         end
      end
   end)
   for _, p in ipairs(persons) do
      local r = resolution.by_id[p.id] or resolution.by_entry[p.id]
      if r then
         p.uncertain = {}
         for k, u in ipairs(r.uncertain or {}) do
            if k > report_people.MAX_ROWS then
               p.uncertain_more = #r.uncertain - report_people.MAX_ROWS
               break
            end
            local other = resolution.entries[u.other_entry]
            p.uncertain[k] = { entry = u.entry, other = u.other, other_entry = u.other_entry, score = u.score,
               held_apart = u.held_apart, other_name = other and (other.written or (other.names or {})[1]) or nil }
         end
         p.decisions, p.version = {}, resolution.version
         local seen = {}
         for _, e in ipairs(r.entries or {}) do
            for _, d in ipairs(decisions_of[e.id] or {}) do
               if not seen[d] and #p.decisions < report_people.MAX_ROWS then
                  seen[d] = true
                  p.decisions[#p.decisions + 1] = { id = d.id, same = d.same, different = d.different, by = d.by,
                     on = type(d.on) == "table" and d.on.text or d.on, note = d.note, supersedes = d.supersedes }
               end
            end
         end
      end
   end
end

--- The people of a report's findings: {persons (at most MAX_PERSONS), total, from_store}.
-- The store is read (uncertain pairs, decisions) only when `db` is given: the model passes it
-- only when the report shares everything, since sharing rewrites what findings say of persons.
-- @tparam table findings the report's findings
-- @param[opt] db the run's store
-- @treturn table the people
function report_people.gather(findings, db)
   local all = of_findings(findings)
   local persons = {}
   for k = 1, math.min(#all, report_people.MAX_PERSONS) do persons[k] = all[k] end
   if db and #persons > 0 then from_store(db, persons) end
   return { persons = persons, total = #all, from_store = db ~= nil and #persons > 0 }
end

-- An entry in words: "2021-05 on ARM's list arm-may (held by AZE) as Davit Sargsyan".
local function entry_text(e)
   local where
   if e.kind == "list" then
      where = string.format("on %s's list %s%s", tostring(e.claimant or "?"), tostring(e.list or "?"),
         e.holder and (" (held by " .. tostring(e.holder) .. ")") or "")
   elseif e.kind == "transfer" then
      where = string.format("in exchange %s, %s to %s", tostring(e.exchange or "?"), tostring(e.from or "?"),
         tostring(e.to or "?"))
   else
      where = "person record"
   end
   return string.format("%s %s as %s%s", tostring(e.date or "undated"), where, tostring(e.name or "?"),
      e.born and (", born " .. tostring(e.born)) or "")
end
report_people.entry_text = entry_text

--- Text lines for the persons a finding names (the text report, under the finding).
-- @tparam table model the report's model
-- @tparam table f a finding
-- @treturn table lines
function report_people.text_lines(model, f)
   local out = {}
   local list = type(f.details) == "table" and f.details.people
   if type(list) ~= "table" or not model.people then return out end
   for _, d in ipairs(list) do
      if type(d) == "table" and d.id ~= nil then
         local names = type(d.names) == "table" and d.names or {}
         local entries = type(d.entries) == "table" and d.entries or {}
         out[#out + 1] = string.format("    person %s: %s (%d entr%s)", tostring(d.id),
            table.concat(names, " / "), #entries + (math.tointeger(d.more) or 0),
            #entries + (math.tointeger(d.more) or 0) == 1 and "y" or "ies")
         for k, e in ipairs(entries) do
            if k > report_people.TEXT_ENTRIES then
               out[#out + 1] = string.format("      (%d more)", #entries - report_people.TEXT_ENTRIES +
                  (math.tointeger(d.more) or 0))
               break
            end
            if type(e) == "table" then out[#out + 1] = "      " .. entry_text(e) end
         end
      end
   end
   return out
end

--- Markdown lines for the persons a finding names: a list item per person, one per entry
-- (each escaped with `esc`, the Markdown report's escape).
-- @tparam table model the report's model
-- @tparam table f a finding
-- @tparam function esc the format's escape
-- @treturn table lines (none when the finding names no person)
function report_people.markdown_lines(model, f, esc)
   local out = {}
   for _, l in ipairs(report_people.text_lines(model, f)) do
      local indent, rest = l:match("^(%s*)(.*)$")
      out[#out + 1] = (#indent > 4 and "  - " or "- ") .. esc(rest)
   end
   if #out > 0 then
      table.insert(out, 1, "Persons:")
      table.insert(out, 2, "")
      out[#out + 1] = ""
   end
   return out
end

-- An id made safe as an HTML id.
local function anchor(id) return "person-" .. (tostring(id):gsub("[^%w%-_]", "_")) end
report_people.anchor = anchor

--- The HTML section "People in the findings": one sub-section per person (at most
-- MAX_PERSONS, the cap said), with their spellings, entries, the findings naming them,
-- uncertain pairs and decisions.
-- @tparam table o the output pieces
-- @tparam table model the report's model
function report_people.html(o, model)
   local pp = model.people
   if not pp or pp.total == 0 then return end
   local esc = common.html_escape
   o[#o + 1] = '<section id="people"><h2>People in the findings</h2><p>' ..
      string.format("%d %s named in findings about persons", pp.total, pp.total == 1 and "person is" or "people are")
   if pp.total > #pp.persons then
      o[#o + 1] = string.format("; the first %d (in the order of the findings) are shown", #pp.persons)
   end
   o[#o + 1] = ". Each is one identity of the store's resolution of people: every spelling, and the entries " ..
      "behind them.</p>"
   for _, p in ipairs(pp.persons) do
      o[#o + 1] = '<section class="person" id="' .. esc(anchor(p.id)) .. '"><h3>' ..
         esc(#p.names > 0 and table.concat(p.names, " / ") or p.id) ..
         '</h3><p class="meta">person <span class="ids">' .. esc(p.id) .. "</span> · in finding"
      o[#o + 1] = (#p.findings == 1 and " " or "s ")
      for k, i in ipairs(p.findings) do
         o[#o + 1] = (k > 1 and ", " or "") .. '<a href="#finding-' .. i .. '">' .. i .. "</a>"
      end
      o[#o + 1] = "</p><table><caption>Entries</caption><thead><tr><th scope=\"col\">date</th>" ..
         '<th scope="col">entry</th><th scope="col">where</th><th scope="col">name as written</th>' ..
         '<th scope="col">born</th></tr></thead><tbody>'
      for _, e in ipairs(p.entries) do
         local where = e.kind == "list" and string.format("%s's list %s", tostring(e.claimant or "?"),
            tostring(e.list or "?")) or e.kind == "transfer" and string.format("exchange %s, %s → %s",
            tostring(e.exchange or "?"), tostring(e.from or "?"), tostring(e.to or "?")) or "person record"
         o[#o + 1] = "<tr><td>" .. esc(e.date or "") .. '</td><td class="ids">' .. esc(e.id or "") .. "</td><td>" ..
            esc(where) .. "</td><td>" .. esc(e.name or "") .. '</td><td class="n">' .. esc(e.born or "") .. "</td></tr>"
      end
      o[#o + 1] = "</tbody></table>"
      if p.more then o[#o + 1] = "<p>" .. esc(p.more) .. " more entries are not shown.</p>" end
      if p.uncertain then
         if #p.uncertain == 0 then
            o[#o + 1] = "<p>No uncertain pairs.</p>"
         else
            o[#o + 1] = '<table><caption>Uncertain pairs (not merged: for review)</caption><thead><tr>' ..
               '<th scope="col">entry</th><th scope="col">other person</th><th scope="col">their entry</th>' ..
               '<th scope="col">name</th><th scope="col">score</th><th scope="col">held apart</th></tr></thead><tbody>'
            for _, u in ipairs(p.uncertain) do
               o[#o + 1] = '<tr><td class="ids">' .. esc(u.entry) .. '</td><td class="ids">' .. esc(u.other) ..
                  '</td><td class="ids">' .. esc(u.other_entry) .. "</td><td>" .. esc(u.other_name or "") ..
                  '</td><td class="n">' .. esc(type(u.score) == "number" and string.format("%.3f", u.score) or "") ..
                  "</td><td>" .. esc(u.held_apart or "") .. "</td></tr>"
            end
            o[#o + 1] = "</tbody></table>"
            if p.uncertain_more then o[#o + 1] = "<p>" .. esc(p.uncertain_more) .. " more uncertain pairs.</p>" end
         end
         if #p.decisions == 0 then
            o[#o + 1] = "<p>No reviewer's decision names these entries.</p>"
         else
            o[#o + 1] = "<p>Reviewers' decisions that name these entries:</p><ul class=\"decisions\">"
            for _, d in ipairs(p.decisions) do
               o[#o + 1] = "<li>" .. esc(d.same and "same" or "different") .. ': <span class="ids">' ..
                  esc(table.concat(d.same or d.different or {}, ", ")) .. "</span> — " .. esc(d.by or "") .. ", " ..
                  esc(d.on or "") .. (d.note and (" (" .. esc(d.note) .. ")") or "") ..
                  (d.supersedes and (", superseding " .. esc(d.supersedes)) or "") .. "</li>"
            end
            o[#o + 1] = "</ul>"
         end
      end
      o[#o + 1] = "</section>"
   end
   o[#o + 1] = "</section>"
end

return report_people
