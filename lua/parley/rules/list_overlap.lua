-- SPDX-License-Identifier: MIT
-- list_overlap: person-level linkage between two parties' named lists about the same people
-- (same canonical subject and holder, periods that can overlap), read from the store's
-- resolution of people (parley.people: one identity per person across every list, exchange and
-- person record, with reviewers' decisions), so that
-- Հովհաննես Պետրոսյան on one side and Ованес Петросян on the other count as one person.
-- One finding per pair of lists: who is on both, who on only one, and the uncertain pairs a
-- person must decide, never counted as matched.
local dates = require "parley.dates"
local names = require "parley.names"
local people = require "parley.people"
local kit = require "parley.rulekit"
local records = require "parley.records"
local vocab = require "parley.vocab"

-- The entries of a list: their ids (LIST#N, as the resolution and the evidence name them)
-- and each entry's name as written (or its person record's first name).
local function entries_of(ctx, list, person_names)
   local out = {}
   for i, e in ipairs(list.persons) do
      local name = e.name
      if not name and e.person then
         if person_names[e.person] == nil then
            person_names[e.person] = false
            for p in ctx.db:persons({ id = e.person }) do
               local first = p.variants[1]
               person_names[e.person] = first and first.name or false
            end
         end
         name = person_names[e.person] or nil
      end
      -- shown as its person's id when it gives one (the store's own for an entry that gives
      -- none is LIST#N too)
      local id = records.list_entry_id(list.id, i)
      out[i] = { id = id, shown = e.person or id, name = name or "",
         born = e.born, category = e.category }
   end
   return out
end

local year = people.birth_year

local function pair_detail(p)
   local ok, _, score, why = pcall(names.match, { name = p.left.name, born = year(p.left.born),
      category = p.left.category }, { name = p.right.name, born = year(p.right.born),
      category = p.right.category })
   return { left = p.left.shown, right = p.right.shown, left_name = p.left.name, right_name = p.right.name,
      score = p.score or (ok and score or nil), explanation = ok and why or nil, held_apart = p.held_apart }
end

local function shown_of(e) return e.shown end

-- The finding for two lists, read from the resolution of people (parley.people): an entry of
-- one list and one of the other are on both when they resolve to one person (directly, through
-- other lists, or by a reviewer's decision); an uncertain pair between them is for review
-- (uncertain_of_a: the uncertain pairs between a and each other list, by its id).
local function report(ctx, a, b, person_names, resolution, uncertain_of_a)
   local p = ctx.params
   local left, right = entries_of(ctx, a, person_names), entries_of(ctx, b, person_names)
   local right_of = {}
   for _, e in ipairs(right) do
      local who = resolution.by_entry[e.id]
      if who and not right_of[who] then right_of[who] = e end
   end
   local matched, used_right, in_review = {}, {}, {}
   for _, e in ipairs(left) do
      local who = resolution.by_entry[e.id]
      local other = who and right_of[who]
      if other and not used_right[other] then
         used_right[other] = true
         matched[#matched + 1] = { left = e, right = other }
         e.matched = true
      end
   end
   local right_by_id, left_by_id = {}, {}
   for _, e in ipairs(right) do right_by_id[e.id] = e end
   for _, e in ipairs(left) do left_by_id[e.id] = e end
   local review = {}
   for _, u in ipairs(uncertain_of_a and uncertain_of_a[b.id] or {}) do
      local l, r = left_by_id[u.a], right_by_id[u.b]
      if not l then l, r = left_by_id[u.b], right_by_id[u.a] end
      if l and r and not l.matched and not used_right[r] then
         review[#review + 1] = { left = l, right = r, score = u.score, held_apart = u.held_apart }
         in_review[l], in_review[r] = true, true
      end
   end
   table.sort(review, function(x, y)
      if x.score ~= y.score then return x.score > y.score end
      return x.left.id < y.left.id
   end)
   local only_left, only_right = {}, {}
   for _, e in ipairs(left) do
      if not e.matched and not in_review[e] then only_left[#only_left + 1] = e end
   end
   for _, e in ipairs(right) do
      if not used_right[e] and not in_review[e] then only_right[#only_right + 1] = e end
   end
   local persons = {}
   for _, e in ipairs(left) do persons[#persons + 1] = e.shown end
   for _, e in ipairs(right) do persons[#persons + 1] = e.shown end
   local n_review = #review
   -- at most max_details of each kind, and only as many as fit the details' size limit
   -- (rulekit.room): the persons on one list only first, then those for review, then the pairs
   local room = kit.room()
   local d_only_left, out_left = room.fit(only_left, shown_of, p.max_details)
   local d_only_right, out_right = room.fit(only_right, shown_of, p.max_details)
   local d_review, out_review = room.fit(review, pair_detail, p.max_details)
   local d_pairs, out_pairs = room.fit(matched, pair_detail, p.max_details)
   local truncated = out_left + out_right + out_review + out_pairs > 0
   local agree = #only_left == 0 and #only_right == 0 and n_review == 0
   ctx:finding({
      severity = agree and p.agree_severity or p.severity,
      message = string.format("%s's list %s (%d) and %s's list %s (%d) of %s%s: %d on both, %d for " ..
         "review, %d only on %s's, %d only on %s's", a.claimant, a.id, #left, b.claimant, b.id,
         #right, a.subject, a.holder and (" held by " .. a.holder) or "", #matched, n_review,
         #only_left, a.claimant, #only_right, b.claimant),
      evidence = { lists = { a.id, b.id }, persons = persons, parties = { a.claimant, b.claimant } },
      measures = { matched = #matched, uncertain = n_review, only_left = #only_left,
         only_right = #only_right, n_left = #left, n_right = #right },
      details = {
         pairs = d_pairs, review = d_review, only_left = d_only_left, only_right = d_only_right,
         truncated = truncated,
         left_out = truncated and { pairs = out_pairs, review = out_review, only_left = out_left,
            only_right = out_right } or nil,
         resolution = { version = resolution.version, decisions = #resolution.decisions },
      },
   })
end

-- Each two lists of a group by different claimants, for periods that can overlap. The group
-- is in as_of order (of the first day): the lists after one that begin after its last day
-- cannot overlap it, so the walk stops there (a sweep, not every pair of a large group), and
-- it skips a run of the first list's own claimant at once (kit.other_claimant_pairs: a group
-- can hold thousands of one claimant's lists of one period).
local function compare_group(ctx, lists, person_names, resolution, uncertain_of)
   kit.other_claimant_pairs(lists, function(i, j)
      local a, b = lists[i], lists[j]
      if dates.overlap(a.as_of_period, b.as_of_period) then
         report(ctx, a, b, person_names, resolution, uncertain_of[a.id])
      end
   end)
end

-- The resolution's uncertain pairs by the lists of their entries (LIST#N), each two lists' in
-- the resolution's order (out[x][y] and out[y][x] alike): a pair of lists looks only at the
-- pairs between them, not at every uncertain pair of the store (which made the rule quadratic
-- in the lists), nor at every one touching its first list (quadratic in the lists one list
-- overlaps).
local function uncertain_by_list(resolution)
   local out = {}
   for _, u in ipairs(resolution.uncertain) do
      local la, lb = u.a:match("^(.*)#%d+$"), u.b:match("^(.*)#%d+$")
      if la and lb then
         for _, l in ipairs({ la, lb ~= la and lb or nil }) do
            local other = l == la and lb or la
            out[l] = out[l] or {}
            out[l][other] = out[l][other] or {}
            table.insert(out[l][other], u)
         end
      end
   end
   return out
end

local function run(ctx)
   -- the current lists, grouped by canonical subject (`detained` lists are lists of detainees)
   -- and holder; scope is not read: who is on both lists is the question, whatever each covers
   local gone = kit.superseded(ctx.db, "lists")
   local groups, order = kit.group(kit.all(ctx.db:lists()), function(l)
      if gone[l.id] then return nil end
      return kit.canonical(l).subject .. "\0" .. (l.holder or "")
   end)
   local person_names = {} -- person id -> the first name its record gives, read once
   if #order == 0 then return end
   local resolution = people.resolution(ctx.db, { threshold = ctx.params.threshold, review = ctx.params.review })
   local uncertain_of = uncertain_by_list(resolution)
   for _, key in ipairs(order) do compare_group(ctx, groups[key], person_names, resolution, uncertain_of) end
end

return {
   id = "list_overlap",
   version = "2.1.0",
   description = "Two parties' named lists of the same people, linked person by person across " ..
      "Armenian, Azerbaijani, Russian and Latin spellings: who is on both and who on one only.",
   severity = "medium",
   -- the engine resolves the store once for every rule that needs people, with its threshold
   -- and review, and this rule reads that stored resolution
   needs = { "people" },
   params = {
      threshold = { type = "number", min = 0, max = 1,
         description = "the score at which two entries are the same person (default: parley.names')" },
      review = { type = "number", min = 0, max = 1,
         description = "the score from which a pair below the threshold goes to review" },
      severity = { type = "string", default = "medium", values = vocab.SEVERITIES,
         description = "when someone is on one list only, or a pair needs review" },
      agree_severity = { type = "string", default = "info", values = vocab.SEVERITIES,
         description = "when the lists agree" },
      max_details = { type = "integer", default = 200, min = 0,
         description = "pairs and ids listed in the details, each kind" },
   },
   run = run,
}
