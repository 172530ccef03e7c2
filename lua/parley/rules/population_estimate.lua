-- SPDX-License-Identifier: MIT
-- population_estimate: two named lists of the same population (same subject, holder and about,
-- for periods that can overlap) drawn up by different claimants, and the Chapman two-list
-- estimate of the population's size from how many persons they share:
--   N = (n1+1)(n2+1)/(m+1) - 1,  Var = (n1+1)(n2+1)(n1-m)(n2-m) / ((m+1)^2 (m+2))
-- with a normal 95% interval. The estimator assumes independent lists; lists drawn up by
-- opposing parties are not, so every finding carries that warning. See
-- docs/rules/population_estimate.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"

local Z95 = 1.959964

local WARNING = "the two lists come from different parties to the conflict and are not independent samples " ..
   "(each side lists whom it knows of and has reasons to include or leave out); the two-list estimate assumes " ..
   "independence, so read it as an order of magnitude, not a count"

-- parley.names, when it is built: its link(left, right) pairs names across scripts.
local has_names, names = pcall(require, "parley.names")
if has_names and (type(names) ~= "table" or type(names.link) ~= "function") then has_names = false end

-- Lower case for the scripts names come in: ASCII, Latin-1 and Latin Extended-A, Greek,
-- Cyrillic and Armenian. Invalid UTF-8 is lowered in ASCII only.
local function lower_code(c)
   if c >= 0x41 and c <= 0x5A then return c + 32 end
   if c < 0xC0 then return c end
   if (c >= 0xC0 and c <= 0xDE and c ~= 0xD7) then return c + 32 end
   if c == 0x178 then return 0xFF end
   if c >= 0x100 and c <= 0x17F then
      if (c >= 0x139 and c <= 0x148) or (c >= 0x179 and c <= 0x17E) then
         return c % 2 == 1 and c + 1 or c
      end
      if c ~= 0x130 and c ~= 0x131 and c ~= 0x138 and c ~= 0x149 then return c % 2 == 0 and c + 1 or c end
      return c
   end
   if c == 0x18F then return 0x259 end -- Azerbaijani schwa
   if c >= 0x391 and c <= 0x3AB and c ~= 0x3A2 then return c + 32 end
   if c >= 0x400 and c <= 0x40F then return c + 80 end
   if c >= 0x410 and c <= 0x42F then return c + 32 end
   if ((c >= 0x460 and c <= 0x481) or (c >= 0x48A and c <= 0x4BF)) and c % 2 == 0 then return c + 1 end
   if c >= 0x531 and c <= 0x556 then return c + 48 end
   return c
end

-- Every two-byte UTF-8 capital those scripts have, to its lower case: one gsub per name.
local LOWER = {}
for c = 0x80, 0x7FF do
   local l = lower_code(c)
   if l ~= c then LOWER[utf8.char(c)] = utf8.char(l) end
end

local function normalise(name)
   if type(name) ~= "string" then return nil end
   local s = name:lower() -- ASCII only (the C locale)
   if utf8.len(s) then s = s:gsub("[\xC2-\xDF][\x80-\xBF]", LOWER) end
   s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
   if s == "" then return nil end
   return s
end

-- The entries of a list as persons: duplicates of the same person id counted once.
local function persons_of(list)
   local out, seen = {}, {}
   for _, e in ipairs(list.persons) do
      if e.person then
         if not seen[e.person] then
            seen[e.person] = true
            out[#out + 1] = { person = e.person, name = e.name }
         end
      else
         out[#out + 1] = { name = e.name }
      end
   end
   return out
end

-- Persons on both lists by person id, when both entries give one. Marks them used.
local function match_by_id(left, right, used_l, used_r)
   local by_id = {}
   for j, e in ipairs(right) do
      if e.person then by_id[e.person] = j end
   end
   local m = 0
   for i, e in ipairs(left) do
      local j = e.person and by_id[e.person]
      if j then
         used_l[i], used_r[j] = true, true
         m = m + 1
      end
   end
   return m
end

-- The named entries of a side not matched yet: their positions and their names.
local function unmatched_names(side, used)
   local positions, list = {}, {}
   for i, e in ipairs(side) do
      if not used[i] and e.name then
         positions[#positions + 1] = i
         list[#list + 1] = e.name
      end
   end
   return positions, list
end

-- Persons on both lists by parley.names' link(), best scores first, one-to-one; pairable(i, j)
-- says whether two entries may still be paired. Returns the matches and the uncertain pairs.
local function match_by_link(left, right, used_l, used_r, pairable)
   local li, lnames = unmatched_names(left, used_l)
   local ri, rnames = unmatched_names(right, used_r)
   if #lnames == 0 or #rnames == 0 then return 0, 0 end
   local linked = names.link(lnames, rnames) or {}
   local cands = {}
   for _, p in ipairs(linked.pairs or {}) do
      local i, j = li[p.left], ri[p.right]
      if i and j then cands[#cands + 1] = { i = i, j = j, score = tonumber(p.score) or 0 } end
   end
   table.sort(cands, function(a, b)
      if a.score ~= b.score then return a.score > b.score end
      if a.i ~= b.i then return a.i < b.i end
      return a.j < b.j
   end)
   local m = 0
   for _, c in ipairs(cands) do
      if pairable(c.i, c.j) then
         used_l[c.i], used_r[c.j] = true, true
         m = m + 1
      end
   end
   return m, #(linked.uncertain or {})
end

-- Persons on both lists by exact equality of the normalised name (without parley.names).
local function match_by_normalised_name(left, right, used_l, used_r, pairable)
   local by_name = {}
   for j, e in ipairs(right) do
      local key = not used_r[j] and normalise(e.name)
      if key then
         by_name[key] = by_name[key] or {}
         table.insert(by_name[key], j)
      end
   end
   local function first_pairable(i, candidates)
      for _, j in ipairs(candidates) do
         if pairable(i, j) then return j end
      end
   end
   local m = 0
   for i, e in ipairs(left) do
      local key = not used_l[i] and normalise(e.name)
      local j = key and first_pairable(i, by_name[key] or {})
      if j then
         used_l[i], used_r[j] = true, true
         m = m + 1
      end
   end
   return m, 0
end

-- Persons on both lists: by person id when both entries give one, then by name for the
-- rest (never two entries that both give different ids). One-to-one. Returns m, how many by
-- id, how many by name, and the uncertain pairs of the names matcher.
local function match(left, right)
   local used_l, used_r = {}, {}
   local m_id = match_by_id(left, right, used_l, used_r)
   local function pairable(i, j)
      return not used_l[i] and not used_r[j] and not (left[i].person and right[j].person)
   end
   local by_name = has_names and match_by_link or match_by_normalised_name
   local m_name, uncertain = by_name(left, right, used_l, used_r, pairable)
   return m_id + m_name, m_id, m_name, uncertain
end

local function chapman(n1, n2, m)
   local estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
   local variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ^ 2 * (m + 2))
   local se = math.sqrt(variance)
   -- at least the persons either list names
   local low = math.max(estimate - Z95 * se, n1 + n2 - m)
   return estimate, se, low, estimate + Z95 * se
end

local MATCHING = has_names and "person ids, then parley.names link()" or
   "person ids, then exact equality of the normalised name (lower case, spaces collapsed): parley.names " ..
   "is not available, so spellings and scripts that differ are not matched and m is a lower bound"

-- The current lists (of p.subject when given) grouped by subject, holder and about, each
-- with its entries as persons; the groups and their keys in the order first seen.
local function current_lists(ctx)
   local p = ctx.params
   local gone = kit.superseded(ctx.db, "lists")
   local groups, order = {}, {}
   for l in ctx.db:lists(p.subject and { subject = p.subject } or nil) do
      if not gone[l.id] then
         local key = table.concat({ l.subject, l.holder or "", l.about or "" }, "\0")
         if not groups[key] then
            groups[key] = {}
            order[#order + 1] = key
         end
         l.people = persons_of(l)
         l.persons = nil -- the entries as read are not needed again: memory is capped
         table.insert(groups[key], l)
      end
   end
   return groups, order
end

-- Calls visit(a, b) for each two lists of a group whose periods can overlap (a's id before
-- b's). By first possible day: a list is compared with those that begin before it ends, so
-- lists of periods that do not overlap cost nothing (near-linear, not all pairs).
local function each_pair_that_can_overlap(lists, visit)
   table.sort(lists, function(x, y)
      if x.as_of_period.first ~= y.as_of_period.first then return x.as_of_period.first < y.as_of_period.first end
      return x.id < y.id
   end)
   for i = 1, #lists do
      for j = i + 1, #lists do
         if lists[j].as_of_period.first > lists[i].as_of_period.last then break end
         local a, b = lists[i], lists[j]
         if a.id > b.id then a, b = b, a end
         if dates.overlap(a.as_of_period, b.as_of_period) then visit(a, b) end
      end
   end
end

local function report(ctx, a, b)
   local n1, n2 = #a.people, #b.people
   local m, m_id, m_name, uncertain = match(a.people, b.people)
   local estimate, se, low, high = chapman(n1, n2, m)
   local what = a.subject .. (a.holder and (" held by " .. a.holder) or "") ..
      (a.about and (", about " .. a.about) or "")
   local sources = {}
   if a.source then sources[#sources + 1] = a.source end
   if b.source and b.source ~= a.source then sources[#sources + 1] = b.source end
   local caveats = {}
   if m < 7 then
      caveats[#caveats + 1] = "fewer than 7 persons on both lists: the estimate is unstable and the " ..
         "normal interval is poor"
   end
   if not has_names then caveats[#caveats + 1] = "names matched exactly only: m may be too small, " ..
      "and the estimate too large" end
   ctx:finding({
      message = string.format("%s: lists %s (%s, %d persons, %s) and %s (%s, %d, %s) share %d; " ..
         "Chapman estimate %.1f (95%% interval %.1f-%.1f, SE %.1f). Warning: %s",
         what, a.id, a.claimant, n1, a.as_of, b.id, b.claimant, n2, b.as_of, m, estimate, low, high, se,
         WARNING),
      evidence = { lists = { a.id, b.id }, sources = #sources > 0 and sources or nil,
         parties = { a.claimant, b.claimant } },
      measures = { estimate = estimate, se = se, ci_low = low, ci_high = high, n1 = n1, n2 = n2, m = m },
      details = {
         warning = WARNING, method = "Chapman two-list estimator, normal 95% interval " ..
            "(lower bound at least n1 + n2 - m)",
         matching = MATCHING, matched_by_id = m_id, matched_by_name = m_name,
         uncertain = has_names and uncertain or nil, caveats = caveats,
      },
   })
end

local function run(ctx)
   local p = ctx.params
   local groups, order = current_lists(ctx)
   for _, key in ipairs(order) do
      -- two lists by different claimants, each naming at least min_entries persons
      each_pair_that_can_overlap(groups[key], function(a, b)
         if a.claimant ~= b.claimant and #a.people >= p.min_entries and #b.people >= p.min_entries then
            report(ctx, a, b)
         end
      end)
   end
end

return {
   id = "population_estimate",
   version = "1.0.0",
   description = "Chapman two-list estimates of a population's size from two parties' named lists of it, " ..
      "with the warning that lists from opposing parties are not independent.",
   severity = "info",
   params = {
      subject = { type = "string", description = "only lists of this subject" },
      min_entries = { type = "integer", default = 1, min = 0,
         description = "each list names at least this many persons" },
   },
   run = run,
}
