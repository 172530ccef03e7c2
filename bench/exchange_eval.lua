-- SPDX-License-Identifier: MIT
-- How often exchange_accounts' persons comparison is wrong on names it was not written for:
-- two accounts of one exchange naming the same people as real lists write them, built from the
-- hand-written, held-out spellings of bench/names_hard.tsv (Armenian, Azerbaijani, Georgian and
-- Russian names in their national scripts, passport, Russian-document, press, ICRC and MRZ
-- forms, with brothers, fathers and sons and namesakes in each group).
--   lua5.4 bench/exchange_eval.lua [SET.tsv]   (with the tree's LUA_PATH: tools/env.sh; default
--   the held-out bench/names_hard.tsv; bench/names_tune.tsv is the set parley.names is tuned on)
-- For each group of the set and each round t, an exchange with two lists of the group's
-- people, ARM's naming each person by its record 2t-1 and ICRC's by its record 2t (with the
-- birth year and father's name the record gives), so both lists name exactly the same people:
--   same:  every name the rule says one list gives and the other does not is a false finding
--          (it accuses a list of leaving out someone it names);
--   drop:  the same exchange with one person (in turn) left off ICRC's list: the rule must name
--          that person as ARM's only, and no one else.
-- Every exchange is in one store, so people are resolved across all of them, as in a real one.
-- Never tune on the failures: the set is held out (bench/names_hard.lua).
local parley = require "parley"

local function read_set(path)
   local f = assert(io.open(path, "rb"))
   local groups, order, header = {}, {}, nil
   for line in f:lines() do
      if line ~= "" and line:sub(1, 1) ~= "#" then
         local cols = {}
         for c in (line .. "\t"):gmatch("([^\t]*)\t") do cols[#cols + 1] = c end
         if not header then
            header = {}
            for i, c in ipairs(cols) do header[c] = i end
         else
            local function col(name) local v = cols[header[name]]; return v ~= "" and v or nil end
            local g, p = col("group"), col("person")
            if not groups[g] then
               groups[g] = { id = g, people = {}, by_id = {} }
               order[#order + 1] = g
            end
            local group = groups[g]
            if not group.by_id[p] then
               group.by_id[p] = { id = p, records = {} }
               group.people[#group.people + 1] = group.by_id[p]
            end
            local born = col("born")
            table.insert(group.by_id[p].records, { name = col("name"), born = born and math.tointeger(tonumber(born)),
               father_name = col("father") })
         end
      end
   end
   f:close()
   local out = {}
   for _, g in ipairs(order) do out[#out + 1] = groups[g] end
   return out
end

local function entry(rec)
   return { name = rec.name, born = rec.born, father_name = rec.father_name }
end

-- The exchanges of the evaluation, each with what the rule must say of it.
local function cases(groups)
   local out = {}
   for _, g in ipairs(groups) do
      for t = 1, 3 do
         local a, b = {}, {}
         for _, p in ipairs(g.people) do
            local ra, rb = p.records[2 * t - 1], p.records[2 * t]
            if ra and rb then
               a[#a + 1], b[#b + 1] = entry(ra), entry(rb)
            end
         end
         if #a > 0 then
            local id = string.format("%s-%d", g.id, t)
            out[#out + 1] = { id = id, kind = "same", a = a, b = b }
            if #a > 1 then
               for k = 1, #a do
                  local dropped = {}
                  for i, e in ipairs(b) do if i ~= k then dropped[#dropped + 1] = e end end
                  out[#out + 1] = { id = id .. "-drop" .. k, kind = "drop", a = a, b = dropped, missing = a[k].name }
               end
            end
         end
      end
   end
   return out
end

local function dataset(all)
   local d = { parley = 1, parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" },
      { id = "ICRC", name = "ICRC", kind = "organisation" } },
      sources = { { id = "arm-list", title = "ARM's list", party = "ARM" },
         { id = "icrc-list", title = "ICRC's list", party = "ICRC" } },
      exchanges = {}, lists = {} }
   for i, c in ipairs(all) do
      -- a day each, so that no two exchanges are one
      local date = os.date("!%Y-%m-%d", 1577836800 + i * 86400)
      d.exchanges[#d.exchanges + 1] = { id = c.id, date = date,
         transfers = { { from = "AZE", to = "ARM", detainees = { count = #c.a } } } }
      d.lists[#d.lists + 1] = { id = c.id .. "-arm", claimant = "ARM", source = "arm-list", as_of = date,
         exchange = c.id, subject = "detainees_returned", persons = c.a }
      d.lists[#d.lists + 1] = { id = c.id .. "-icrc", claimant = "ICRC", source = "icrc-list", as_of = date,
         exchange = c.id, subject = "detainees_returned", persons = c.b }
   end
   return d
end

local set = arg[1] or "bench/names_hard.tsv"
local all = cases(read_set(set))
local path = os.tmpname()
os.remove(path)
local db = assert(parley.open(path))
assert(db:import(dataset(all), { name = "exchange_eval" }))
db:close()
local run = assert(parley.reconcile({ parley = 1, store = path, rules = { { use = "exchange_accounts" } },
   limits = { seconds = 3600, instructions = 1000000000000, memory_mb = 4096 } }, { jobs = 1, store_run = false }))
os.remove(path)

local said = {} -- exchange id -> the persons finding's details
for _, f in ipairs(run.findings) do
   if f.details and f.details.kind == "persons" then said[f.evidence.exchanges[1]] = f end
end
local n = { same = 0, same_people = 0, same_false = 0, same_exchanges_false = 0, drop = 0, found = 0, missed = 0,
   drop_false = 0, review = 0 }
for _, c in ipairs(all) do
   local f = said[c.id]
   local only_a = f and f.details.only_first or {}
   local only_b = f and f.details.only_second or {}
   if f and (f.measures.uncertain or 0) > 0 then n.review = n.review + 1 end
   if c.kind == "same" then
      n.same, n.same_people = n.same + 1, n.same_people + #c.a
      n.same_false = n.same_false + #only_a + #only_b
      if #only_a + #only_b > 0 then n.same_exchanges_false = n.same_exchanges_false + 1 end
   else
      n.drop = n.drop + 1
      local hit = false
      for _, name in ipairs(only_a) do
         if name == c.missing and not hit then hit = true else n.drop_false = n.drop_false + 1 end
      end
      n.drop_false = n.drop_false + #only_b
      if hit then n.found = n.found + 1 else n.missed = n.missed + 1 end
   end
end
local version = run.rules.exchange_accounts and run.rules.exchange_accounts.version or "?"
print(string.format("exchange_accounts %s on %s: %d exchanges", version, set, #all))
print(string.format("  same people on both lists: %d exchanges, %d persons; %d names said to be on one list only " ..
   "(false findings) in %d exchanges (%.1f%% of the exchanges)", n.same, n.same_people, n.same_false,
   n.same_exchanges_false, 100 * n.same_exchanges_false / math.max(n.same, 1)))
print(string.format("  one person left off: %d exchanges; found %d (%.1f%%), missed %d; %d other names said " ..
   "wrongly", n.drop, n.found, 100 * n.found / math.max(n.drop, 1), n.missed, n.drop_false))
print(string.format("  findings with pairs for review (uncertain matches): %d", n.review))
