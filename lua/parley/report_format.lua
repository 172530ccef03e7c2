-- Plain-text pieces every report format shares: counts, values, grades, transfers, measures
-- and evidence said the same way in HTML, Markdown, CSV and SARIF, so the formats never
-- disagree about what a record says.

local fmt = {}

-- Findings the HTML and Markdown reports show with their evidence side by side (the most
-- severe first; a table lists every finding), and the number of counts above which a subject
-- is summed up party by party rather than listed claim by claim: so a report of 10,000
-- findings stays readable and small. Both can be changed per report (opts.detail).
fmt.DETAIL = 1000
fmt.DENSE = 40

-- The evidence kinds, in the order reports show them (docs/rules.md).
fmt.EVIDENCE_KINDS = { "claims", "lists", "exchanges", "persons", "sources", "parties" }

-- "15", "~200", "38-120 (best 60)", "at least 100".
function fmt.count(c)
   if not c then return "" end
   if c.exact then return tostring(c.exact) end
   local s
   if c.low and c.high then
      s = string.format("%d-%d", c.low, c.high)
      if c.best then s = s .. string.format(" (best %d)", c.best) end
   elseif c.best then
      s = tostring(c.best)
   elseif c.low then
      s = string.format("at least %d", c.low)
   else
      s = string.format("at most %d", c.high)
   end
   if c.approx then s = "~" .. s end
   return s
end

-- What a claim says: its count, or its value.
function fmt.claim_value(c)
   if c.count then return fmt.count(c.count) end
   if c.value == nil then return "" end
   return tostring(c.value)
end

local RELIABILITY = { A = "completely reliable", B = "usually reliable", C = "fairly reliable",
   D = "not usually reliable", E = "unreliable", F = "reliability cannot be judged" }
local CREDIBILITY = { "confirmed", "probably true", "possibly true", "doubtful", "improbable",
   "truth cannot be judged" }

-- The Admiralty grade of a source: "B2", and what it means.
function fmt.grade(s)
   if not s or (not s.reliability and not s.credibility) then return "", "" end
   local code = (s.reliability or "") .. (s.credibility and tostring(s.credibility) or "")
   local words = {}
   if s.reliability then words[#words + 1] = RELIABILITY[s.reliability] end
   if s.credibility then words[#words + 1] = CREDIBILITY[s.credibility] end
   return code, table.concat(words, ", ")
end

-- "detainees held by AZE, about ARM (Agdam)".
function fmt.subject_title(g)
   local s = g.subject
   if g.holder then s = s .. " held by " .. g.holder end
   if g.about then s = s .. ", about " .. g.about end
   if g.region then s = s .. " (" .. g.region .. ")" end
   return s
end

local function thousands(n)
   local s = tostring(n)
   local out = s:reverse():gsub("(%d%d%d)", "%1,"):reverse()
   return (out:gsub("^,", ""))
end
fmt.thousands = thousands

-- What moved in one transfer: "AZE → ARM: 15 detainees", "ARM → AZE: 1 mine map (Agdam, 97,000 mines)".
function fmt.transfer(t)
   local parts = {}
   if t.detainees then parts[#parts + 1] = string.format("%d detainee%s", t.detainees.count,
      t.detainees.count == 1 and "" or "s") end
   if t.remains then parts[#parts + 1] = string.format("remains of %d", t.remains.count) end
   if t.mine_maps then
      local regions, mines = {}, 0
      for _, m in ipairs(t.mine_maps) do
         regions[#regions + 1] = m.region
         mines = mines + (m.mines or 0)
      end
      parts[#parts + 1] = string.format("%d mine map%s (%s%s)", #t.mine_maps, #t.mine_maps == 1 and "" or "s",
         table.concat(regions, ", "), mines > 0 and (", " .. thousands(mines) .. " mines") or "")
   end
   return string.format("%s → %s: %s", t.from, t.to, table.concat(parts, ", "))
end

-- Everything an exchange moved, transfer by transfer.
function fmt.exchange_moved(x)
   local parts = {}
   for _, t in ipairs(x.transfers or {}) do parts[#parts + 1] = fmt.transfer(t) end
   return table.concat(parts, "; ")
end

-- A number as reports print it: integers as they are, floats to 4 significant digits.
function fmt.number(v)
   if math.type(v) == "float" then
      if v ~= v then return "NaN" end
      return (string.format("%.4g", v))
   end
   return tostring(v)
end

-- The names of a finding's measures, sorted, with their values as text.
function fmt.measures(measures)
   local out = {}
   if type(measures) ~= "table" then return out end
   for k, v in pairs(measures) do
      if type(k) == "string" then out[#out + 1] = { name = k, value = v, text = fmt.number(v) } end
   end
   table.sort(out, function(a, b) return a.name < b.name end)
   return out
end

function fmt.measures_text(measures)
   local parts = {}
   for _, m in ipairs(fmt.measures(measures)) do parts[#parts + 1] = m.name .. "=" .. m.text end
   return table.concat(parts, " ")
end

-- The evidence ids of one kind (a list of strings, whatever the store held).
function fmt.ids(evidence, kind)
   local ids = type(evidence) == "table" and evidence[kind]
   if type(ids) ~= "table" then return {} end
   local out = {}
   for _, id in ipairs(ids) do out[#out + 1] = tostring(id) end
   return out
end

function fmt.evidence_text(evidence)
   local parts = {}
   for _, kind in ipairs(fmt.EVIDENCE_KINDS) do
      local ids = fmt.ids(evidence, kind)
      if #ids > 0 then parts[#parts + 1] = kind .. ": " .. table.concat(ids, ", ") end
   end
   return table.concat(parts, "; ")
end

-- The person pairs of a list_overlap finding (details.pairs, details.review), each with the
-- script of either side's name.
function fmt.pairs(details, key)
   local text = require "parley.text"
   local out = {}
   local list = type(details) == "table" and details[key]
   if type(list) ~= "table" then return out end
   for _, p in ipairs(list) do
      if type(p) == "table" then
         local ln, rn = tostring(p.left_name or ""), tostring(p.right_name or "")
         out[#out + 1] = {
            left = tostring(p.left or ""), right = tostring(p.right or ""), left_name = ln, right_name = rn,
            left_script = text.script(ln), right_script = text.script(rn),
            score = type(p.score) == "number" and string.format("%.3f", p.score) or "",
            explanation = p.explanation and tostring(p.explanation) or "",
         }
      end
   end
   return out
end

-- Each party's counts of subject group g: {party, n, lo, hi, first, last, sources}, in the
-- order the parties first claim.
function fmt.party_summary(g)
   local by, order = {}, {}
   for _, c in ipairs(g.claims) do
      if c.count then
         local b = by[c.claimant]
         if not b then
            b = { party = c.claimant, n = 0, lo = math.huge, hi = -math.huge, first = c.as_of, last = c.as_of,
               seen = {}, sources = 0 }
            by[c.claimant] = b
            order[#order + 1] = b
         end
         local k = c.count
         b.n = b.n + 1
         b.lo = math.min(b.lo, k.exact or k.low or k.best or b.lo)
         b.hi = math.max(b.hi, k.exact or k.high or k.best or b.hi)
         b.last = c.as_of
         if not b.seen[c.source] then
            b.seen[c.source] = true
            b.sources = b.sources + 1
         end
      end
   end
   return order
end

-- "new" / "persisting" for a finding of this run, as the history found it.
function fmt.change(model, i)
   return model.history and model.history.change[i] or ""
end

return fmt
