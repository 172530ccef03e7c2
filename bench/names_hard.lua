-- SPDX-License-Identifier: MIT
-- Quality of parley.names.match on a hand-written, held-out set of real-world spellings
-- (bench/names_hard.tsv), beside the baseline a user would otherwise write (unidecode +
-- jellyfish Jaro-Winkler, bench/names_hard_baseline.py).
--   lua5.4 bench/names_hard.lua [--failures] [--set tune]   (with the tree's LUA_PATH: tools/env.sh)
-- --set tune measures bench/names_tune.tsv instead: the hand-written set the matcher is tuned
-- on (other people and spellings, same format and categories); --failures lists its errors.
-- Never list the held-out set's failures to tune on them.
--
-- How the set was built. By hand, from the conventions of the field as the domain brief and
-- the romanisation standards describe them, without reading the matcher's source or its specs:
-- groups (families and namesake clusters; the run prints how many) of Armenian, Azerbaijani,
-- Georgian and Russian people, each built around one phenomenon (its category) and holding
-- the people a list really confuses with each other: brothers (Vahan/Vahe, Emin/Emil, Arif/Akif), father and son
-- (Tigran Arami / Aram Tigrani Grigoryan, Hüseynov Orxan Vüqar / Hüseynov Vüqar Orxan),
-- namesakes with another year or another father (Ivanov Sergey Petrovich / Pavlovich),
-- families one letter apart (Ghazaryan/Nazaryan, Sahakyan/Isahakyan, Əliyev/Vəliyev,
-- Nağıyev/Tağıyev, Gogia/Gogua, Mchedlidze/Mchedlishvili), the same root with another
-- ending (Hüseynli, Cəfərli, Mehdizadə, Sarkisov). Each person is written the ways real
-- lists write him: the national script, passport romanisation, Russian document forms
-- (Оганесян, Саакян, Гусейнов, Оруджев, Лордкипанидзе), Russian romanised by BGN/PCGN,
-- ICAO, ISO 9, scholarly, German and French rules, Western Armenian and press spellings,
-- with patronymics, initials, double surnames and homoglyphs where the category asks. The
-- header of the .tsv documents every column, system and category, and the fairness rule.
--
-- Pairs: every pair of records of one person is a positive; every pair of records of two
-- people of one group a hard negative, counted only when the records could decide it (the
-- fairness rule in the .tsv header; the others are reported as undecidable); and a sample of
-- easy negatives, pairs of records of two groups that the same rule finds decidable (fixed
-- seed). Each record is passed to
-- parley.names.match as {name=, born=, category=, patronymic=} (father's name as the
-- patronymic), at the default threshold.
--
-- Limits. One author, one pass: the spellings are those the author knows to be in use, not
-- drawn from real lists, so their mix (how often Western Armenian or ISO 9 appears) is not
-- the mix of any real list, and the figures per category rest on a few dozen to a few hundred
-- pairs. Groups are small (2-3 people), so hard negatives come from a designed confusion, not
-- from the namesake density of a real list of thousands; the easy negatives show the rest.
-- The people are invented; no real list is reproduced. The baseline sees only the names, not
-- the evidence; its threshold is the one names_baseline.py picks on the generated tuning set
-- (seed A of bench/names_eval.lua), so neither side is tuned here. Keep the set held out:
-- tuning the matcher to these pairs makes the figures meaningless.
local dir = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "."

local hard = {}

hard.columns = { "record", "person", "group", "nation", "system", "category", "name", "born", "father", "role",
   "canon", "shows" }
hard.categories = { "georgian", "patronymic", "genitive", "bare_az", "given_1c", "surname_1l", "systems", "initials",
   "double", "homoglyph", "birth_year" }
hard.nations = { "am", "az", "ge", "ru" }
hard.easy_sample = 2000
hard.seed = 20210612

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      fields[#fields + 1] = field
   end
   return fields
end

-- Reads the set: a list of records {record=, person=, ..., born = number or nil, canon = {given,
-- father, surname}}; raises on a malformed line, naming it.
function hard.load(path)
   path = path or (dir .. "/names_hard.tsv")
   local f = assert(io.open(path, "rb"))
   local records, header = {}, nil
   local n = 0
   for line in f:lines() do
      n = n + 1
      if line ~= "" and not line:match("^#") then
         local fields = split(line)
         if not header then
            header = fields
            assert(table.concat(header, ",") == table.concat(hard.columns, ","),
               "names_hard: line " .. n .. ": header is not " .. table.concat(hard.columns, ", "))
         else
            assert(#fields == #hard.columns, string.format("names_hard: line %d: %d columns, not %d", n, #fields,
               #hard.columns))
            local r = { line = n }
            for i, c in ipairs(hard.columns) do
               r[c] = fields[i] ~= "" and fields[i] or nil
            end
            r.born = r.born and assert(math.tointeger(tonumber(r.born)), "names_hard: line " .. n .. ": born")
            local given, father, surname = (r.canon or ""):match("^([^|]+)|([^|]*)|([^|]+)$")
            assert(given, "names_hard: line " .. n .. ": canon is not Given|Father|Surname")
            r.canon = { given = given, father = father ~= "" and father or nil, surname = surname }
            records[#records + 1] = r
         end
      end
   end
   f:close()
   return records
end

local function shows(r, what)
   return (r.shows or ""):find(what, 1, true) ~= nil
end

-- Whether the two records of different people could be told apart from what they give (the
-- fairness rule of the .tsv header): returns the reason, or nil when no one could decide.
function hard.decidable(a, b)
   local ca, cb = a.canon, b.canon
   if ca.surname ~= cb.surname and not shows(a, "x") and not shows(b, "x") then
      return "surname"
   end
   if ca.given ~= cb.given then
      if shows(a, "g") and shows(b, "g") then
         return "given name"
      end
      if ca.given:sub(1, 1) ~= cb.given:sub(1, 1) then
         return "initial"
      end
   end
   local fa = shows(a, "p") or a.father
   local fb = shows(b, "p") or b.father
   if ca.father and cb.father and ca.father ~= cb.father and fa and fb then
      return "father"
   end
   if a.born and b.born and math.abs(a.born - b.born) >= 2 then
      return "year of birth"
   end
   return nil
end

-- A small linear congruential generator, so the easy sample is the same on every Lua.
local function lcg(seed)
   local state = seed
   return function(n)
      state = (state * 1103515245 + 12345) % 2147483648
      return state % n + 1
   end
end

-- The pairs: {a=, b=, positive=, kind = "positive" | "hard" | "undecidable" | "easy",
-- nation=, category=, reason=}.
function hard.pairs(records)
   local out = {}
   for i = 1, #records do
      for j = i + 1, #records do
         local a, b = records[i], records[j]
         if a.person == b.person then
            out[#out + 1] = { a = a, b = b, positive = true, kind = "positive", nation = a.nation,
               category = a.category }
         elseif a.group == b.group then
            local reason = hard.decidable(a, b)
            out[#out + 1] = { a = a, b = b, positive = false, kind = reason and "hard" or "undecidable",
               reason = reason, nation = a.nation, category = a.category }
         end
      end
   end
   local draw = lcg(hard.seed)
   local seen = {}
   local easy = 0
   while easy < hard.easy_sample do
      local i, j = draw(#records), draw(#records)
      local a, b = records[i], records[j]
      local key = math.min(i, j) .. ":" .. math.max(i, j)
      if a.group ~= b.group and not seen[key] and hard.decidable(a, b) then
         seen[key] = true
         easy = easy + 1
         out[#out + 1] = { a = a, b = b, positive = false, kind = "easy" }
      end
   end
   return out
end

local script = arg and arg[0] and arg[0]:match("names_hard%.lua$") and select("#", ...) == #arg
if not script then return hard end

package.path = dir .. "/?.lua;" .. package.path
local names = require "parley.names"
local gen = require "names_gen"
local python = os.getenv("PYTHON") or "/usr/bin/python3"
local show_failures, set_name = false, "hard"
for i = 1, #arg do
   if arg[i] == "--failures" then show_failures = true end
   if arg[i] == "--set" then set_name = assert(arg[i + 1], "--set needs a name (hard or tune)") end
end

local t0 = os.clock()
local records = hard.load(dir .. "/names_" .. set_name .. ".tsv")
local set = hard.pairs(records)

local function as_record(r)
   return { name = r.name, born = r.born, category = r.role, patronymic = r.father }
end

for _, p in ipairs(set) do
   local ok, score, why = names.match(as_record(p.a), as_record(p.b))
   p.said, p.score, p.why = ok, score, why
end

local function run(cmd)
   local pipe = assert(io.popen(cmd))
   local out = pipe:read("a")
   pipe:close()
   return out
end

-- The baseline's threshold: the one names_baseline.py picks on the generated tuning set.
local function baseline_threshold()
   local path = os.tmpname()
   local f = assert(io.open(path, "w"))
   for _, pair in ipairs(gen.pairs(1500, 20210612)) do
      f:write(pair[1]:gsub("[\t\n]", " "), "\t", (pair[2]:gsub("[\t\n]", " ")), "\t", pair[3] and "1" or "0", "\n")
   end
   f:close()
   local out = run(string.format("%s -W ignore %s/names_baseline.py %s", python, dir, path))
   os.remove(path)
   return assert(tonumber(out:match("best_threshold=([%d.]+)")), "names_baseline.py: " .. out)
end

local function baseline_scores()
   local path = os.tmpname()
   local f = assert(io.open(path, "w"))
   for _, p in ipairs(set) do
      f:write((p.a.name:gsub("[\t\n]", " ")), "\t", (p.b.name:gsub("[\t\n]", " ")), "\n")
   end
   f:close()
   local out = run(string.format("%s -W ignore %s/names_hard_baseline.py %s", python, dir, path))
   os.remove(path)
   local i = 0
   for v in out:gmatch("[^\n]+") do
      i = i + 1
      set[i].base = tonumber(v)
   end
   assert(i == #set, "names_hard_baseline.py: " .. i .. " scores for " .. #set .. " pairs")
end

local base_t = baseline_threshold()
baseline_scores()

-- Counts over the pairs that pass `keep`, for a decision `said(p)`.
local function tally(keep, said)
   local c = { tp = 0, fp = 0, fn = 0, pos = 0, hard = 0, hard_fp = 0, easy = 0, easy_fp = 0 }
   for _, p in ipairs(set) do
      if p.kind ~= "undecidable" and keep(p) then
         local yes = said(p)
         if p.positive then
            c.pos = c.pos + 1
            if yes then c.tp = c.tp + 1 else c.fn = c.fn + 1 end
         else
            if yes then c.fp = c.fp + 1 end
            if p.kind == "hard" then
               c.hard = c.hard + 1
               if yes then c.hard_fp = c.hard_fp + 1 end
            else
               c.easy = c.easy + 1
               if yes then c.easy_fp = c.easy_fp + 1 end
            end
         end
      end
   end
   c.p = c.tp + c.fp > 0 and c.tp / (c.tp + c.fp) or 1
   c.r = c.pos > 0 and c.tp / c.pos or 1
   c.f = c.p + c.r > 0 and 2 * c.p * c.r / (c.p + c.r) or 0
   c.fmr = c.hard > 0 and c.hard_fp / c.hard or 0
   return c
end

local function parley_said(p) return p.said end
local function base_said(p) return p.base >= base_t end

local function line(label, keep)
   local a, b = tally(keep, parley_said), tally(keep, base_said)
   print(string.format("%-22s %5d %5d | %.4f %.4f %.4f %6.2f%% | %.4f %.4f %.4f %6.2f%%", label, a.pos, a.hard,
      a.p, a.r, a.f, 100 * a.fmr, b.p, b.r, b.f, 100 * b.fmr))
   return a, b
end

local n_people, n_groups = {}, {}
for _, r in ipairs(records) do
   n_people[r.person], n_groups[r.group] = true, true
end
local function count(t)
   local n = 0
   for _ in pairs(t) do n = n + 1 end
   return n
end
local kinds = {}
for _, p in ipairs(set) do
   kinds[p.kind] = (kinds[p.kind] or 0) + 1
end

print(string.format("names_%s: %d records of %d people in %d groups", set_name, #records, count(n_people),
   count(n_groups)))
print(string.format("pairs: %d positive, %d hard negative, %d easy negative (sample, seed %d), "
   .. "%d undecidable (not counted)", kinds.positive or 0, kinds.hard or 0, kinds.easy or 0, hard.seed,
   kinds.undecidable or 0))
print(string.format("parley.names.match at the default threshold %.2f; baseline unidecode + jellyfish "
   .. "Jaro-Winkler at %.2f (chosen on the generated tuning set)", names.threshold, base_t))
print("")
local head = string.format("%-22s %5s %5s | %-32s | %-32s", "", "pos", "hard", "parley P R F1 hard-FMR",
   "baseline P R F1 hard-FMR")
print(head)
local all, base_all = line("all (with easy)", function() return true end)
line("without easy", function(p) return p.kind ~= "easy" end)
print("")
print("per nation (positives and hard negatives)")
for _, n in ipairs(hard.nations) do
   line("  " .. n, function(p) return p.nation == n end)
end
print("per category (positives and hard negatives)")
for _, c in ipairs(hard.categories) do
   line("  " .. c, function(p) return p.category == c end)
end
print("per system of either record (positives and hard negatives)")
local systems, seen = {}, {}
for _, r in ipairs(records) do
   if not seen[r.system] then
      seen[r.system] = true
      systems[#systems + 1] = r.system
   end
end
for _, s in ipairs(systems) do
   line("  " .. s, function(p) return p.kind ~= "easy" and (p.a.system == s or p.b.system == s) end)
end

local und_matched = 0
for _, p in ipairs(set) do
   if p.kind == "undecidable" and p.said then und_matched = und_matched + 1 end
end
print("")
print(string.format("easy negatives matched: parley %d of %d, baseline %d", all.easy_fp, all.easy,
   base_all.easy_fp))
print(string.format("undecidable pairs matched by parley (not counted): %d of %d", und_matched,
   kinds.undecidable or 0))
print(string.format("F1: parley %.4f, baseline %.4f; hard-negative false-match rate: parley %.2f%%, baseline %.2f%%",
   all.f, base_all.f, 100 * all.fmr, 100 * base_all.fmr))

if show_failures then
   print("\nfailures (missed positives, matched negatives):")
   for _, p in ipairs(set) do
      if p.kind ~= "undecidable" and p.said ~= p.positive then
         print(string.format("%s %s %s | %s  %s  %.2f\n    %s", p.positive and "MISS" or "FALSE", p.a.record,
            p.b.record, p.a.name, p.b.name, p.score, p.why))
      end
   end
end
print(string.format("(%.1f s CPU)", os.clock() - t0))
