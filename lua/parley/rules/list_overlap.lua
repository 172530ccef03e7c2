-- list_overlap: person-level linkage between two parties' named lists about the same people
-- (same canonical subject and holder, periods that can overlap), through parley.names, so that
-- Հովհաննես Պետրոսյան on one side and Ованес Петросян on the other count as one person.
-- One finding per pair of lists: who is on both, who on only one, and the uncertain pairs a
-- person must decide, never counted as matched.
local dates = require "parley.dates"
local names = require "parley.names"
local kit = require "parley.rulekit"
local vocab = require "parley.vocab"

-- The people of a list as names.link takes them, and their person ids as the store gives them.
local function people(ctx, list, person_names)
   local records, ids = {}, {}
   for i, e in ipairs(list.persons) do
      local name = e.name
      if not name and e.person then
         person_names[e.person] = person_names[e.person] or false
         for p in ctx.db:persons({ id = e.person }) do
            local first = p.variants[1]
            person_names[e.person] = first and first.name or false
         end
         name = person_names[e.person] or nil
      end
      records[i] = { name = name or "", born = math.tointeger(tonumber(tostring(e.born or ""):sub(1, 4))),
         category = e.category }
      ids[i] = e.person or (list.id .. "#" .. i)
   end
   return records, ids
end

local function pair_details(res_pairs, left, right, lids, rids, limit)
   local out = {}
   for k, p in ipairs(res_pairs) do
      if k > limit then break end
      out[k] = { left = lids[p.left], right = rids[p.right], left_name = left[p.left].name,
         right_name = right[p.right].name, score = p.score, explanation = p.explanation }
   end
   return out
end

local function ids_of(indices, ids, limit)
   local out = {}
   for k, i in ipairs(indices) do
      if k > limit then break end
      out[k] = ids[i]
   end
   return out
end

-- The finding for two lists linked person by person.
local function report(ctx, a, b, person_names)
   local p = ctx.params
   local left, lids = people(ctx, a, person_names)
   local right, rids = people(ctx, b, person_names)
   local res = names.link(left, right, { threshold = p.threshold, review = p.review })
   local matched, uncertain = #res.pairs, #res.uncertain
   local only_left, only_right = #res.only_left, #res.only_right
   local persons = {}
   for _, id in ipairs(lids) do persons[#persons + 1] = id end
   for _, id in ipairs(rids) do persons[#persons + 1] = id end
   local agree = only_left == 0 and only_right == 0 and uncertain == 0
   ctx:finding({
      severity = agree and p.agree_severity or p.severity,
      message = string.format("%s's list %s (%d) and %s's list %s (%d) of %s%s: %d on both, %d for " ..
         "review, %d only on %s's, %d only on %s's", a.claimant, a.id, #left, b.claimant, b.id,
         #right, a.subject, a.holder and (" held by " .. a.holder) or "", matched, uncertain,
         only_left, a.claimant, only_right, b.claimant),
      evidence = { lists = { a.id, b.id }, persons = persons, parties = { a.claimant, b.claimant } },
      measures = { matched = matched, uncertain = uncertain, only_left = only_left,
         only_right = only_right, n_left = #left, n_right = #right, compared = res.compared },
      details = {
         pairs = pair_details(res.pairs, left, right, lids, rids, p.max_details),
         review = pair_details(res.uncertain, left, right, lids, rids, p.max_details),
         only_left = ids_of(res.only_left, lids, p.max_details),
         only_right = ids_of(res.only_right, rids, p.max_details),
         truncated = math.max(matched, uncertain, only_left, only_right) > p.max_details,
      },
   })
end

-- Each two lists of a group by different claimants, for periods that can overlap. The group
-- is in as_of order (of the first day): the lists after one that begin after its last day
-- cannot overlap it, so the walk stops there (a sweep, not every pair of a large group).
local function compare_group(ctx, lists, person_names)
   for i = 1, #lists do
      local a = lists[i]
      local last = a.as_of_period.last
      for j = i + 1, #lists do
         local b = lists[j]
         if b.as_of_period.first > last then break end
         if a.claimant ~= b.claimant and dates.overlap(a.as_of_period, b.as_of_period) then
            report(ctx, a, b, person_names)
         end
      end
   end
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
   for _, key in ipairs(order) do compare_group(ctx, groups[key], person_names) end
end

return {
   id = "list_overlap",
   version = "1.1.0",
   description = "Two parties' named lists of the same people, linked person by person across " ..
      "Armenian, Azerbaijani, Russian and Latin spellings: who is on both and who on one only.",
   severity = "medium",
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
