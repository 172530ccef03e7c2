-- SPDX-License-Identifier: MIT
-- The resolution of people (docs/people.md) at scale, against names.link in the same run:
--   1. names.link on 50,000 x 50,000 generated names (the yardstick the issue sets);
--   2. people.cluster on 100,000 entries over 20 lists (a population of PEOPLE_BENCH_PERSONS
--      persons, each on a list with probability 1/4, each entry a fresh spelling by
--      bench/names_gen.lua): time, the ratio to 1, peak memory;
--   3. recall against the generator's truth: pairs of entries of one person found in one person.
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
local by_truth = {}
for _, e in ipairs(entries) do
   local t = truth[e.id]
   by_truth[t] = by_truth[t] or {}
   table.insert(by_truth[t], e.id)
end
local same_pairs, found = 0, 0
for _, ids in pairs(by_truth) do
   for i = 1, #ids do
      for j = i + 1, #ids do
         same_pairs = same_pairs + 1
         if r.by_entry[ids[i]] == r.by_entry[ids[j]] then found = found + 1 end
      end
   end
end
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
