-- SPDX-License-Identifier: MIT
-- The resolution of people (docs/people.md) at scale, against names.link in the same run:
--   1. names.link on 50,000 x 50,000 generated names (the yardstick the issue sets);
--   2. people.cluster on 100,000 entries over 20 lists (a population of PEOPLE_BENCH_PERSONS
--      persons, each on a list with probability 1/4, each entry a fresh spelling by
--      bench/names_gen.lua): time, the ratio to 1, peak memory;
--   3. recall against the generator's truth: pairs of entries of one person found in one person;
--   4. what blocking loses: on a sample (every entry of the first PEOPLE_BENCH_SAMPLE persons),
--      the recall of the blocked resolution against that of an exhaustive one (every pair scored);
--   5. incremental re-resolution: the first 19 lists resolved, then the 20th added to that
--      resolution (people.cluster with a base): its time, its work against resolving from nothing,
--      and whether every person of the 19 lists that no new entry joined kept its id and entries.
-- Usage: lua5.4 bench/people.lua (make bench runs it); PEOPLE_BENCH_ENTRIES scales it down.
local names = require "parley.names"
local people = require "parley.people"
local gen = dofile((os.getenv("PARLEY_TOP") or ".") .. "/bench/names_gen.lua")

local n_entries = tonumber(os.getenv("PEOPLE_BENCH_ENTRIES")) or 100000
local n_lists = 20
local now = os.clock

local function peak_rss_mb()
   local f = io.open("/proc/self/status")
   if not f then return nil end
   local s = f:read("a")
   f:close()
   local kb = s:match("VmHWM:%s*(%d+)")
   return kb and tonumber(kb) / 1024
end

-- 1. the yardstick
local half = n_entries // 2
local left, right = gen.lists(half - half // 10, 4242, half // 10)
local t0 = now()
names.link(left, right, { explain = false })
local t_link = now() - t0
left, right = nil, nil -- luacheck: ignore 311
collectgarbage()
print(string.format("names.link %d x %d: %.2f s CPU", half, half, t_link))

-- 2. the entries: a population, each person on each list with probability 1/4
gen.seed(2026)
local per_list = n_entries // n_lists
local persons = {}
for i = 1, math.floor(per_list * 4) do
   persons[i] = gen.person()
   persons[i].born = 1960 + i * 7919 % 45
end
local entries, groups, truth = {}, {}, {}
local state = 12345
local function rand()
   state = (state * 1103515245 + 12345) % 2147483648
   return state / 2147483648
end
for l = 1, n_lists do
   local g = { id = "list-" .. l, entries = {} }
   groups[l] = g
   for i, p in ipairs(persons) do
      if #g.entries < per_list and rand() < 0.25 then
         -- seven entries in ten give the birth year, as real lists often do
         local e = { id = g.id .. "#" .. (#g.entries + 1), kind = "list", names = { gen.variant(p) },
            born = rand() < 0.7 and p.born or nil, group = g.id, list = g.id }
         g.entries[#g.entries + 1] = e
         entries[#entries + 1] = e
         truth[e.id] = i
      end
   end
end
local population = persons
collectgarbage()
local rss0 = peak_rss_mb()
t0 = now()
local r = people.cluster(entries, groups, {}, {})
local t_resolve = now() - t0
local rss1 = peak_rss_mb()
print(string.format("people.cluster: %d entries over %d lists -> %d people, %d uncertain pairs: %.2f s CPU",
   #entries, n_lists, #r.people, #r.uncertain, t_resolve))
print(string.format("ratio to names.link %d x %d: %.2fx (target <= 2x)", half, half, t_resolve / t_link))
if rss1 then print(string.format("peak RSS %.0f MB (before resolving %.0f MB; target < 500 MB)", rss1, rss0)) end

-- 3. recall and precision over pairs of entries
-- pairs of one person's entries (of those given) resolved together, and how many there are
local function recall_of(resolution, of_entries)
   local by_truth = {}
   for _, e in ipairs(of_entries) do
      local t = truth[e.id]
      by_truth[t] = by_truth[t] or {}
      table.insert(by_truth[t], e.id)
   end
   local pairs_n, together = 0, 0
   for _, ids in pairs(by_truth) do
      for i = 1, #ids do
         for j = i + 1, #ids do
            pairs_n = pairs_n + 1
            if resolution.by_entry[ids[i]] == resolution.by_entry[ids[j]] then together = together + 1 end
         end
      end
   end
   return together / math.max(1, pairs_n), pairs_n, together
end
local _, same_pairs, found = recall_of(r, entries)
-- a wrong pair of two namesakes (same given name and surname) whose entries give neither
-- different birth years nor a patronymic cannot be told apart from the records at all
local merged_pairs, wrong, undecidable = 0, 0, 0
for _, p in ipairs(r.people) do
   local n = #p.entries
   merged_pairs = merged_pairs + n * (n - 1) // 2
   for i = 1, n do
      for j = i + 1, n do
         local a, b = p.entries[i], p.entries[j]
         local pa, pb = population[truth[a.id]], population[truth[b.id]]
         if pa ~= pb then
            wrong = wrong + 1
            if pa.given == pb.given and pa.surname == pb.surname and (a.born == nil or b.born == nil or
                  a.born == b.born) then
               undecidable = undecidable + 1
            end
         end
      end
   end
end
print(string.format("pairs of one person's entries resolved together: recall %.4f; precision %.4f " ..
   "(%.4f leaving out %d pairs of namesakes the records cannot tell apart)", found / math.max(1, same_pairs),
   (merged_pairs - wrong) / math.max(1, merged_pairs),
   (merged_pairs - wrong) / math.max(1, merged_pairs - undecidable), undecidable))

-- 4. what blocking loses, on a sample of persons (all their entries)
local sample_persons = tonumber(os.getenv("PEOPLE_BENCH_SAMPLE")) or 400
local sample, sample_groups = {}, {}
for l, g in ipairs(groups) do
   local sg = { id = g.id, entries = {} }
   for _, e in ipairs(g.entries) do
      if truth[e.id] <= sample_persons then
         sg.entries[#sg.entries + 1] = e
         sample[#sample + 1] = e
      end
   end
   sample_groups[l] = sg
end
local blocked = people.cluster(sample, sample_groups, {}, {})
t0 = now()
local exhaustive = people.cluster(sample, sample_groups, {}, { exhaustive = true })
local t_exhaustive = now() - t0
local rb, pairs_n = recall_of(blocked, sample)
local re = recall_of(exhaustive, sample)
print(string.format("sample of %d persons, %d entries (%d pairs of one person's entries): recall blocked %.4f, " ..
   "exhaustive %.4f (%.2f s CPU): blocking loses %.4f", sample_persons, #sample, pairs_n, rb, re, t_exhaustive,
   re - rb))

-- 5. incremental: the 20th list added to the resolution of the first 19
if os.getenv("PEOPLE_BENCH_INCREMENTAL") ~= "0" then
   local first, first_groups = {}, {}
   for l = 1, n_lists - 1 do
      first_groups[l] = groups[l]
      for _, e in ipairs(groups[l].entries) do first[#first + 1] = e end
   end
   local added = #groups[n_lists].entries
   local r19 = people.cluster(first, first_groups, {}, {})
   local person_of = {}
   for id, p in pairs(r19.by_entry) do person_of[id] = p.id end
   local base = { person_of = person_of, links = r19.links, decisions = {} }
   local before = {}
   for _, p in ipairs(r19.people) do
      local ids = {}
      for i, e in ipairs(p.entries) do ids[i] = e.id end
      before[p.id] = table.concat(ids, " ")
   end
   t0 = now()
   local inc = people.cluster(entries, groups, {}, {}, base)
   local t_inc = now() - t0
   local kept, changed = 0, 0
   for pid, members in pairs(before) do
      local q = inc.by_id[pid]
      local ids = {}
      for i, e in ipairs(q and q.entries or {}) do ids[i] = e.id end
      if q and table.concat(ids, " ") == members then kept = kept + 1 else changed = changed + 1 end
   end
   print(string.format("incremental: %d entries added to %d: %.2f s CPU (%.2fx the resolution from nothing); " ..
      "%d names linked, %d pairs scored (from nothing: %d), %d entries clustered again; %d of %d people kept " ..
      "id and entries, %d joined or changed", added, #first, t_inc, t_inc / t_resolve, inc.work.linked,
      inc.work.compared, r.work.compared, inc.work.reclustered, kept, kept + changed, changed))
end
