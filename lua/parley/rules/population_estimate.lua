-- SPDX-License-Identifier: MIT
-- population_estimate: the size of a population from the named lists of it that different
-- claimants drew up (same subject, holder and about, for periods that can overlap).
-- Three lists or more, from at least two claimants: multiple-systems estimation, Poisson
-- log-linear models of the persons' capture histories (parley.mse), model-averaged by AIC, with
-- strata by the entries' category when each has enough persons. Two lists: the Chapman estimate
--   N = (n1+1)(n2+1)/(m+1) - 1,  Var = (n1+1)(n2+1)(n1-m)(n2-m) / ((m+1)^2 (m+2))
-- with a normal 95% interval. Below min_persons persons, or when the lists give no measure of
-- whom they all missed, the finding says "too few to estimate" and gives no number. Every
-- finding says what the method assumes. See docs/rules/population_estimate.md and
-- docs/estimation.md.
local dates = require "parley.dates"
local kit = require "parley.rulekit"
local mse = require "parley.mse"
local records = require "parley.records"

local Z95 = 1.959964

local WARNING = "the two lists come from different parties to the conflict and are not independent samples " ..
   "(each side lists whom it knows of and has reasons to include or leave out); the two-list estimate assumes " ..
   "independence, so read it as an order of magnitude, not a count"

-- parley.names, when it is built: its link(left, right) pairs names across scripts.
local has_names, names = pcall(require, "parley.names")
if has_names and (type(names) ~= "table" or type(names.link) ~= "function") then has_names = false end
-- parley.people, the resolution every rule about persons reads (it needs parley.names)
local has_people, people = false, nil
if has_names then
   has_people, people = pcall(require, "parley.people")
   if has_people and type(people) ~= "table" then has_people = false end
end

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
local function persons_of(list, resolution)
   local out, seen = {}, {}
   for i, e in ipairs(list.persons) do
      -- who the entry is, in the store's resolution of people (parley.people): the same person
      -- on every list that names them, in any script, as reviewers decided
      local who = resolution and resolution.by_entry[records.list_entry_id(list.id, i)]
      if who then
         if not seen[who.id] then
            seen[who.id] = true
            out[#out + 1] = { person = who.id, name = e.name, category = e.category }
         end
      elseif e.person then
         if not seen[e.person] then
            seen[e.person] = true
            out[#out + 1] = { person = e.person, name = e.name, category = e.category }
         end
      else
         out[#out + 1] = { name = e.name, category = e.category }
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
         used_l[i], used_r[j] = j, i
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
         used_l[c.i], used_r[c.j] = c.j, c.i
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
         used_l[i], used_r[j] = j, i
         m = m + 1
      end
   end
   return m, 0
end

-- Persons on both lists: by person id when both entries give one, then by name for the
-- rest (never two entries that both give different ids). One-to-one. Returns m, how many by
-- id, how many by name, the uncertain pairs of the names matcher, and the pairing (the
-- position on right of each matched position on left).
local function match(left, right)
   local used_l, used_r = {}, {}
   local m_id = match_by_id(left, right, used_l, used_r)
   local function pairable(i, j)
      return not used_l[i] and not used_r[j] and not (left[i].person and right[j].person)
   end
   local by_name = has_names and match_by_link or match_by_normalised_name
   local m_name, uncertain = by_name(left, right, used_l, used_r, pairable)
   return m_id + m_name, m_id, m_name, uncertain, used_l
end

local function chapman(n1, n2, m)
   local estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
   local variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ^ 2 * (m + 2))
   local se = math.sqrt(variance)
   -- at least the persons either list names
   local low = math.max(estimate - Z95 * se, n1 + n2 - m)
   return estimate, se, low, estimate + Z95 * se
end

local MATCHING = has_people and "the resolution of people (parley.people: parley.names across every list, " ..
   "exchange and person record, with reviewers' decisions)" or has_names and "person ids, then parley.names link()" or
   "person ids, then exact equality of the normalised name (lower case, spaces collapsed): parley.names " ..
   "is not available, so spellings and scripts that differ are not matched and m is a lower bound"

-- The method's assumptions, in words a reader can repeat with the number.
local CLOSED = "closed population: the lists describe the same people over the same period, and no one " ..
   "joined or left the population between them"
local MATCHED = "each person is recognised on every list that names them, and two persons are never taken for one"
local PARTIES = "lists drawn up by parties to the conflict are not independent samples: each side lists whom " ..
   "it knows of and has reasons to name or leave out"
local THIRD_LIST = "a third list lets the models measure and allow for dependence between two of the lists, but " ..
   "not a dependence all the lists share, nor people that no list could reach (some people are harder to list " ..
   "than others); the interval covers chance and the choice of model, not those biases"
local TWO_LISTS = "with two lists the dependence between them cannot be measured: the Chapman estimate assumes " ..
   "a person's being on one list does not change their chance of being on the other"

-- The dependence the chosen model allows, by list id.
local function dependence(model, ids)
   if #model.interactions == 0 then
      return "the model chosen assumes that being on one list does not make a person more or less likely " ..
         "to be on another"
   end
   local parts = {}
   for _, t in ipairs(model.interactions) do parts[#parts + 1] = ids[t[1]] .. " with " .. ids[t[2]] end
   return "the model chosen allows for dependence of " .. kit.listing(parts, ", ") ..
      " (a person on one of the two is more, or less, likely to be on the other) and takes the lists to be " ..
      "otherwise independent"
end

-- The current lists (of p.subject when given) grouped by subject, holder and about, each
-- with its entries as persons; the groups and their keys in the order first seen.
local function current_lists(ctx)
   local p = ctx.params
   local resolution = has_people and people.resolution(ctx.db) or nil
   local gone = kit.superseded(ctx.db, "lists")
   local groups, order = {}, {}
   for l in ctx.db:lists(p.subject and { subject = p.subject } or nil) do
      if not gone[l.id] then
         -- like with like: `detained` and `detainees` are one population (the canonical subject)
         local subject = l.canonical and l.canonical.subject or l.subject
         local key = table.concat({ subject, l.holder or "", l.about or "" }, "\0")
         if not groups[key] then
            groups[key] = {}
            order[#order + 1] = key
         end
         l.people = persons_of(l, resolution)
         l.persons = nil -- the entries as read are not needed again: memory is capped
         table.insert(groups[key], l)
      end
   end
   return groups, order
end

-- Calls visit(a, b) for each two lists of a group by different claimants whose periods can
-- overlap (a's id before b's). By first possible day: a list is compared with those that begin
-- before it ends, so lists of periods that do not overlap cost nothing (near-linear, not all
-- pairs), and a run of its own claimant's lists is skipped at once (kit.other_claimant_pairs:
-- a group can hold thousands of one claimant's lists of one period).
local function each_pair_that_can_overlap(lists, visit)
   table.sort(lists, function(x, y)
      if x.as_of_period.first ~= y.as_of_period.first then return x.as_of_period.first < y.as_of_period.first end
      return x.id < y.id
   end)
   kit.other_claimant_pairs(lists, function(i, j)
      local a, b = lists[i], lists[j]
      if a.id > b.id then a, b = b, a end
      if dates.overlap(a.as_of_period, b.as_of_period) then visit(a, b) end
   end)
end

-- The populations of a group: the largest sets of its lists whose periods all share a day
-- (intervals that overlap two by two share one), from one sweep over the periods' ends: when
-- a period ends after one began since the last set was taken, the lists open then are one.
-- Each set is sorted by id.
local function populations(lists)
   local events = {}
   for _, l in ipairs(lists) do
      events[#events + 1] = { day = l.as_of_period.first, start = true, list = l }
      events[#events + 1] = { day = l.as_of_period.last, start = false, list = l }
   end
   table.sort(events, function(x, y)
      if x.day ~= y.day then return x.day < y.day end
      if x.start ~= y.start then return x.start end -- a period ending on a day overlaps one beginning then
      return x.list.id < y.list.id
   end)
   local open, out, grown = {}, {}, false
   for _, e in ipairs(events) do
      if e.start then
         open[e.list.id], grown = e.list, true
      else
         if grown then
            local set = {}
            for _, l in pairs(open) do set[#set + 1] = l end
            table.sort(set, function(x, y) return x.id < y.id end)
            out[#out + 1] = set
            grown = false
         end
         open[e.list.id] = nil
      end
   end
   return out
end

local function what_of(l)
   return l.subject .. (l.holder and (" held by " .. l.holder) or "") .. (l.about and (", about " .. l.about) or "")
end

local function sources_of(lists)
   local out, seen = {}, {}
   for _, l in ipairs(lists) do
      for _, s in ipairs(kit.sources_of(l)) do
         if not seen[s] then
            seen[s] = true
            out[#out + 1] = s
         end
      end
   end
   return #out > 0 and out or nil
end

local function claimants_of(lists)
   local out, seen = {}, {}
   for _, l in ipairs(lists) do
      if not seen[l.claimant] then
         seen[l.claimant] = true
         out[#out + 1] = l.claimant
      end
   end
   return out
end

local function too_few_message(p)
   return string.format("too few to estimate: fewer than %d different persons (min_persons)", p.min_persons)
end

local function report(ctx, a, b)
   local p = ctx.params
   local n1, n2 = #a.people, #b.people
   local m, m_id, m_name, uncertain = match(a.people, b.people)
   local head = string.format("%s: lists %s (%s, %d persons, %s) and %s (%s, %d, %s) share %d",
      what_of(a), a.id, a.claimant, n1, a.as_of, b.id, b.claimant, n2, b.as_of, m)
   local evidence = { lists = { a.id, b.id }, sources = sources_of({ a, b }), parties = { a.claimant, b.claimant } }
   local assumptions = { CLOSED, MATCHED, PARTIES, TWO_LISTS }
   local details = {
      warning = WARNING, matching = MATCHING, matched_by_id = not has_people and m_id or nil,
      matched_by_name = not has_people and m_name or nil, matched_by_resolution = has_people and m_id or nil,
      uncertain = has_names and uncertain or nil, assumptions = assumptions,
   }
   -- No number when the lists cannot give one: too few persons, no one on both (nothing
   -- measures the overlap), or one list within the other (nothing measures whom both missed).
   local why
   if n1 + n2 - m < p.min_persons then
      why = too_few_message(p)
   elseif m == 0 then
      why = "too few to estimate: no one is on both lists, so nothing measures how the lists overlap"
   elseif m == n1 or m == n2 then
      why = "too few to estimate: every person on one list is on the other, so nothing measures whom both missed"
   end
   if why then
      details.method = "Chapman two-list estimator (not computed)"
      details.no_estimate = why
      ctx:finding({
         message = string.format("%s; %s. Warning: %s", head, why, WARNING),
         evidence = evidence,
         measures = { n1 = n1, n2 = n2, m = m, observed = n1 + n2 - m, lists = 2 },
         details = details,
      })
      return
   end
   local estimate, se, low, high = chapman(n1, n2, m)
   local caveats = {}
   if m < 7 then
      caveats[#caveats + 1] = "fewer than 7 persons on both lists: the estimate is unstable and the " ..
         "normal interval is poor"
   end
   if not has_names then caveats[#caveats + 1] = "names matched exactly only: m may be too small, " ..
      "and the estimate too large" end
   details.method = "Chapman two-list estimator, normal 95% interval (lower bound at least n1 + n2 - m)"
   details.caveats = caveats
   ctx:finding({
      message = string.format("%s; Chapman estimate %.1f (95%% interval %.1f-%.1f, SE %.1f). Warning: %s. " ..
         "Assumptions: %s; %s.", head, estimate, low, high, se, WARNING, CLOSED, MATCHED),
      evidence = evidence,
      measures = { estimate = estimate, se = se, ci_low = low, ci_high = high, n1 = n1, n2 = n2, m = m,
         observed = n1 + n2 - m, lists = 2 },
      details = details,
   })
end

-- The persons of a population's lists (sorted by id): each list's entries matched, as two lists
-- are, against the persons found on the lists before it, one-to-one. Returns the persons, each
-- { lists = {numbers}, category = the entries' category (nil when none gives one or they
-- differ) }, and how many entries were matched by id and by name, and the uncertain pairs.
local function link_lists(pop)
   local roster = {}
   local by_id, by_name, uncertain = 0, 0, 0
   for i, l in ipairs(pop) do
      local matched = {}
      if #roster > 0 then
         local _, m_id, m_name, u, pairing = match(roster, l.people)
         by_id, by_name, uncertain = by_id + m_id, by_name + m_name, uncertain + (u or 0)
         for r, j in pairs(pairing) do matched[j] = r end
      end
      for j, e in ipairs(l.people) do
         local r = matched[j] and roster[matched[j]]
         if r then
            r.lists[#r.lists + 1] = i
            r.person = r.person or e.person
            if e.category and r.category ~= e.category then
               if r.category or r.mixed then r.category, r.mixed = nil, true else r.category = e.category end
            end
         else
            roster[#roster + 1] = { person = e.person, name = e.name, category = e.category, lists = { i } }
         end
      end
   end
   return roster, by_id, by_name, uncertain
end

-- "101": on lists 1 and 3, not 2 (a capture history as text, list 1 first).
local function pattern(h, k)
   local out = {}
   for i = 1, k do out[i] = (h >> (i - 1)) & 1 == 1 and "1" or "0" end
   return table.concat(out)
end

local function histories_of(persons, k)
   local lists_of = {}
   for idx, r in ipairs(persons) do lists_of[idx] = r.lists end
   return mse.histories(lists_of, k)
end

-- A multiple-systems estimate as details show it.
local function model_details(models)
   local out = {}
   for _, m in ipairs(models) do
      if m.degenerate then
         out[#out + 1] = { model = m.name, degenerate = m.degenerate }
      else
         out[#out + 1] = { model = m.name, estimate = m.estimate, deviance = m.deviance, df = m.df, aic = m.aic,
            bic = m.bic, weight = m.weight, se = m.se }
      end
   end
   return out
end

-- The total of the strata's estimates: the sum, its standard error from the strata's (taken
-- as independent), and an interval log-normal in the unlisted count, as the average's.
local function stratified_total(strata)
   local estimate, observed, variance = 0, 0, 0
   for _, s in ipairs(strata) do
      estimate, observed, variance = estimate + s.estimate, observed + s.observed, variance + s.se ^ 2
   end
   local se = math.sqrt(variance)
   local f0 = estimate - observed
   local C = math.exp(Z95 * math.sqrt(math.log(1 + variance / (f0 * f0))))
   return { estimate = estimate, se = se, ci_low = observed + f0 / C, ci_high = observed + f0 * C,
      observed = observed }
end

-- Strata by the entries' category, when every person has one, there are two or more, and each
-- has at least min_stratum persons and an estimate. Returns the strata, or nil and why not.
local function strata_of(persons, k, p)
   local by, order = {}, {}
   for _, r in ipairs(persons) do
      if not r.category then
         return nil, r.mixed and "the lists give one person different categories" or
            "not every person listed has a category"
      end
      if not by[r.category] then
         by[r.category] = {}
         order[#order + 1] = r.category
      end
      table.insert(by[r.category], r)
   end
   if #order < 2 then return nil, "all persons listed have the same category" end
   table.sort(order)
   local out = {}
   for _, c in ipairs(order) do
      if #by[c] < p.min_stratum then
         return nil, string.format("fewer than %d persons (min_stratum) are %s", p.min_stratum, c)
      end
      local r = mse.estimate(histories_of(by[c], k), k)
      if r.degenerate then return nil, string.format("no estimate for %s: %s", c, r.degenerate) end
      out[#out + 1] = { category = c, observed = r.observed, estimate = r.averaged.estimate, se = r.averaged.se,
         ci_low = r.averaged.ci_low, ci_high = r.averaged.ci_high, model = r.chosen.name }
   end
   return out
end

local function describe_lists(pop)
   local parts = {}
   for i, l in ipairs(pop) do
      parts[i] = string.format("%d %s by %s, %d persons, %s", i, l.id, l.claimant, #l.people, l.as_of)
   end
   return table.concat(parts, "; ")
end

-- One finding for three to five lists of a population, from at least two claimants.
local function estimate_lists(ctx, pop)
   local p = ctx.params
   local k = #pop
   local ids = {}
   for i, l in ipairs(pop) do ids[i] = l.id end
   local persons, by_id, by_name, uncertain = link_lists(pop)
   local n = #persons
   local counts = histories_of(persons, k)
   local histories = {}
   for h = 1, (1 << k) - 1 do histories[pattern(h, k)] = counts[h] end
   local head = string.format("%s: %d lists (%s) name %d different persons", what_of(pop[1]), k,
      describe_lists(pop), n)
   local evidence = { lists = ids, sources = sources_of(pop), parties = claimants_of(pop) }
   local details = {
      method = "multiple-systems estimation: Poisson log-linear models of the capture histories " ..
         "(docs/estimation.md)",
      numbering = "model terms number the lists in the order of evidence.lists: 12 is the dependence of " ..
         "lists 1 and 2", histories = histories,
      matching = MATCHING, matched_by_id = not has_people and by_id or nil,
      matched_by_name = not has_people and by_name or nil, matched_by_resolution = has_people and by_id or nil,
      uncertain = has_names and uncertain or nil,
   }
   local why
   local result
   if n < p.min_persons then
      why = too_few_message(p)
   else
      result = mse.estimate(counts, k)
      if result.degenerate then why = "no estimate: " .. result.degenerate end
   end
   if why then
      details.no_estimate = why
      details.assumptions = { CLOSED, MATCHED, PARTIES, THIRD_LIST }
      if result then details.models = model_details(result.models) end
      ctx:finding({
         message = string.format("%s; %s.", head, why),
         evidence = evidence, measures = { lists = k, observed = n }, details = details,
      })
      return
   end
   local chosen, avg = result.chosen, result.averaged
   local assumptions = { CLOSED, MATCHED, dependence(chosen, ids), PARTIES, THIRD_LIST }
   details.assumptions = assumptions
   details.models = model_details(result.models)
   details.chosen = { model = chosen.name, estimate = chosen.estimate, se = chosen.se,
      ci_low = result.chosen_interval.ci_low,
      ci_high = result.chosen_interval.ci_high < math.huge and result.chosen_interval.ci_high or nil,
      interval = "profile likelihood" .. (result.chosen_interval.ci_high < math.huge and "" or
         ": the likelihood gives no upper bound") }
   details.best_bic = result.best_bic.name
   details.averaged = { estimate = avg.estimate, se = avg.se, ci_low = avg.ci_low, ci_high = avg.ci_high }
   local headline, low, high, se, how
   if p.estimate == "chosen" and details.chosen.ci_high then
      headline, low, high, se = chosen.estimate, details.chosen.ci_low, details.chosen.ci_high, chosen.se
      how = string.format("the model of least AIC (%s) estimates", chosen.name)
   else
      headline, low, high, se = avg.estimate, avg.ci_low, avg.ci_high, avg.se
      how = string.format("averaged over %d log-linear models by AIC weight (best: %s, %.0f), the estimate is",
         #details.models, chosen.name, chosen.estimate)
   end
   local caveats = {}
   if not has_names then caveats[#caveats + 1] = "names matched exactly only: persons may be counted on " ..
      "fewer lists than they are on, and the estimate too large" end
   local strata, no_strata = strata_of(persons, k, p)
   local extra = ""
   if strata then
      local total = stratified_total(strata)
      details.strata = strata
      details.stratified_total = total
      local parts = {}
      for _, s in ipairs(strata) do parts[#parts + 1] = string.format("%s %.0f", s.category, s.estimate) end
      extra = string.format("; by category %s, total %.0f (95%% interval %.0f-%.0f)", table.concat(parts, ", "),
         total.estimate, total.ci_low, total.ci_high)
      if total.ci_low > high or total.ci_high < low then
         details.heterogeneity = string.format("the categories' total (%.0f, %.0f-%.0f) and the pooled " ..
            "estimate (%.0f, %.0f-%.0f) disagree beyond their intervals: the lists reach the categories at " ..
            "different rates, which biases the pooled estimate; prefer the total of the categories",
            total.estimate, total.ci_low, total.ci_high, headline, low, high)
         extra = extra .. ". Warning: " .. details.heterogeneity
      end
   else
      details.strata_not_used = no_strata
   end
   details.caveats = caveats
   ctx:finding({
      message = string.format("%s; %s %.0f (95%% interval %.0f-%.0f)%s. Assumptions: %s.", head, how, headline,
         low, high, extra, table.concat(assumptions, "; ")),
      evidence = evidence,
      measures = { estimate = headline, se = se, ci_low = low, ci_high = high, lists = k, observed = n },
      details = details,
   })
end

local function run(ctx)
   local p = ctx.params
   local groups, order = current_lists(ctx)
   for _, key in ipairs(order) do
      local lists = {}
      for _, l in ipairs(groups[key]) do
         if #l.people >= p.min_entries then lists[#lists + 1] = l end
      end
      -- three lists or more of one population, from two claimants or more: one estimate of them
      -- all; the pairs it covers are not estimated again
      local covered = {}
      for _, pop in ipairs(populations(lists)) do
         if #pop >= 3 and #pop <= 5 and #claimants_of(pop) >= 2 then
            estimate_lists(ctx, pop)
            for i = 1, #pop do
               for j = i + 1, #pop do covered[pop[i].id .. "\0" .. pop[j].id] = true end
            end
         end
      end
      each_pair_that_can_overlap(lists, function(a, b)
         if a.claimant ~= b.claimant and not covered[a.id .. "\0" .. b.id] then report(ctx, a, b) end
      end)
   end
end

return {
   id = "population_estimate",
   version = "2.0.0",
   description = "Estimates of a population's size from the parties' named lists of it: multiple-systems " ..
      "estimation (log-linear models) for three to five lists, Chapman for two, with the method's assumptions.",
   severity = "info",
   -- the engine resolves the store once for every rule that needs people (with parley.names'
   -- threshold and review: this rule has none of its own), and this rule reads it
   needs = { "people" },
   params = {
      subject = { type = "string", description = "only lists of this subject" },
      min_entries = { type = "integer", default = 1, min = 0,
         description = "each list names at least this many persons" },
      min_persons = { type = "integer", default = 10, min = 2,
         description = "below this many different persons listed, too few to estimate" },
      min_stratum = { type = "integer", default = 20, min = 2,
         description = "each category has at least this many persons for estimates by category" },
      estimate = { type = "string", default = "averaged", values = { "averaged", "chosen" },
         description = "the estimate three lists or more give: averaged over the models, or the model of least AIC" },
   },
   run = run,
}
