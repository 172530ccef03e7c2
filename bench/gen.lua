-- A synthetic dataset generator for parley: a large, consistent record of two parties' claims,
-- named lists and exchanges, with discrepancies of known kinds planted in it.
--
-- As a module (dofile("bench/gen.lua") or require from bench/ on the path) it returns
--   generate(scale, seed) -> dataset, planted
-- `dataset` is a table db:import takes (docs/dataset.md); `planted` lists the findings the
-- built-in rules must produce on it, and only those:
--   { rule = "count_gap" | "corroboration" | "stale_claim" | "population_estimate",
--     evidence = { claims = {...} } or { lists = {...} },  measures = {...} (some) }
-- Everything else is kept consistent: the parties' counts of the same thing stay within
-- count_gap's max_ratio (1.5) of each other, self-sourced claims have an ICRC count that
-- corroborates them, every claim is within 180 days of the newest record unless planted as
-- stale or updated by a later claim of its claimant, and the unmatched persons of two lists
-- are written in different scripts, so that exact name matching finds exactly the planted m.
--
-- As a script:
--   lua5.4 bench/gen.lua SCALE SEED PATH   writes the dataset as YAML to PATH and the planted
--                                          answers as JSON to PATH.answers.json
--   lua5.4 bench/gen.lua [SCALE [SEED]]    (as `make bench` runs it) generates, imports into a
--                                          temporary store, runs the four rules, checks the
--                                          findings against the planted answers and prints the times;
--                                          GEN_RULES=a,b runs only those rules
-- SCALE is the number of units (one region each: ten units give one of each kind); default 2000.

-- A deterministic generator (64-bit LCG, integers wrap in Lua 5.4), independent of math.random.
local function rng(seed)
   local state = (seed or 1) * 2862933555777941757 + 3037000493
   return function(lo, hi)
      state = state * 6364136223846793005 + 1442695040888963407
      local r = (state >> 33) % (hi - lo + 1)
      return lo + r
   end
end

-- Armenian persons: {Latin, Armenian, Russian}; given names split into two pools so that
-- the persons only one list names never share a given name with those only the other names.
local ARM_GIVEN = {
   { "Hovhannes", "Հովհաննես", "Ованес" }, { "Aram", "Արամ", "Арам" }, { "Gevorg", "Գևորգ", "Геворг" },
   { "Karen", "Կարեն", "Карен" }, { "Tigran", "Տիգրան", "Тигран" }, { "Armen", "Արմեն", "Армен" },
   { "Narek", "Նարեկ", "Нарек" }, { "Hakob", "Հակոբ", "Акоп" }, { "Grigor", "Գրիգոր", "Григор" },
   { "Vardan", "Վարդան", "Вардан" }, { "Davit", "Դավիթ", "Давид" }, { "Artur", "Արթուր", "Артур" },
}
local ARM_SURNAMES = {
   { "Petrosyan", "Պետրոսյան", "Петросян" }, { "Sargsyan", "Սարգսյան", "Саргсян" },
   { "Hovhannisyan", "Հովհաննիսյան", "Оганесян" }, { "Harutyunyan", "Հարությունյան", "Арутюнян" },
   { "Khachatryan", "Խաչատրյան", "Хачатрян" }, { "Grigoryan", "Գրիգորյան", "Григорян" },
   { "Vardanyan", "Վարդանյան", "Варданян" }, { "Mkrtchyan", "Մկրտչյան", "Мкртчян" },
   { "Hakobyan", "Հակոբյան", "Акопян" }, { "Avetisyan", "Ավետիսյան", "Аветисян" },
   { "Ghazaryan", "Ղազարյան", "Казарян" }, { "Sahakyan", "Սահակյան", "Саакян" },
}
-- Azerbaijani persons: {ASCII Latin (Russian-mediated), Azerbaijani Latin, Russian}
local AZE_GIVEN = {
   { "Elvin", "Elvin", "Эльвин" }, { "Rashad", "Rəşad", "Рашад" }, { "Orkhan", "Orxan", "Орхан" },
   { "Tural", "Tural", "Турал" }, { "Farid", "Fərid", "Фарид" }, { "Anar", "Anar", "Анар" },
   { "Ilkin", "İlkin", "Илькин" }, { "Samir", "Samir", "Самир" }, { "Vugar", "Vüqar", "Вугар" },
   { "Jeyhun", "Ceyhun", "Джейхун" }, { "Ramil", "Ramil", "Рамиль" }, { "Nijat", "Nicat", "Ниджат" },
}
local AZE_SURNAMES = {
   { "Mammadov", "Məmmədov", "Мамедов" }, { "Hasanov", "Həsənov", "Гасанов" }, { "Huseynov", "Hüseynov", "Гусейнов" },
   { "Aliyev", "Əliyev", "Алиев" }, { "Guliyev", "Quliyev", "Гулиев" }, { "Jafarov", "Cəfərov", "Джафаров" },
   { "Gasimov", "Qasımov", "Гасымов" }, { "Ismayilov", "İsmayılov", "Исмаилов" }, { "Abbasov", "Abbasov", "Аббасов" },
   { "Rzayev", "Rzayev", "Рзаев" }, { "Valiyev", "Vəliyev", "Велиев" }, { "Babayev", "Babayev", "Бабаев" },
}

local REGIONS = { "Agdam", "Fuzuli", "Lachin", "Kalbajar", "Zangilan", "Jabrayil", "Qubadli", "Shusha",
   "Khojavend", "Tartar", "Hadrut", "Martuni" }

local MINE_TYPES = { { "anti-tank" }, { "anti-personnel" }, { "anti-tank", "anti-personnel" } }

local REFERENCE_DATE = "2021-07-20" -- the newest record: the last exchange

-- Days from 1970-01-01 to a YYYY-MM-DD date and back (Hinnant's civil calendar algorithms).
local function day_number(y, m, d)
   if m <= 2 then y = y - 1 end
   local era = y // 400
   local yoe = y - era * 400
   local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
   return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end
local function civil(z)
   z = z + 719468
   local era = z // 146097
   local doe = z - era * 146097
   local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
   local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
   local mp = (5 * doy + 2) // 153
   local d = doy - (153 * mp + 2) // 5 + 1
   local m = mp < 10 and mp + 3 or mp - 9
   local y = yoe + era * 400 + (m <= 2 and 1 or 0)
   return string.format("%04d-%02d-%02d", y, m, d)
end

local function generate(scale, seed)
   scale = math.tointeger(scale) or error("generate: scale must be an integer", 2)
   if scale < 1 then error("generate: scale must be at least 1", 2) end
   local rand = rng(seed or 1)
   local ds = {
      parley = 1,
      parties = {
         { id = "ARM", name = "Armenia", kind = "state" },
         { id = "AZE", name = "Azerbaijan", kind = "state" },
         { id = "NK", name = "Ethnic Armenian authorities in Stepanakert/Khankendi", kind = "de_facto" },
         { id = "RUS", name = "Russia", kind = "state" },
         { id = "ICRC", name = "International Committee of the Red Cross", kind = "organisation" },
         { id = "PRESS", name = "News agencies", kind = "organisation" },
         { id = "BLOG", name = "Anonymous social media channels", kind = "other" },
      },
      sources = {
         { id = "arm-mfa", title = "Armenian Foreign Ministry statements", party = "ARM", reliability = "B",
            credibility = 2 },
         { id = "aze-mfa", title = "Azerbaijani Foreign Ministry statements", party = "AZE", reliability = "B",
            credibility = 2 },
         { id = "arm-ombudsman", title = "Armenian Human Rights Defender, social media post", party = "ARM",
            reliability = "D", credibility = 4 },
         { id = "wire-a", title = "News agency report A", party = "PRESS", reliability = "B", credibility = 2 },
         { id = "wire-b", title = "News agency report B", party = "PRESS", reliability = "B", credibility = 3 },
         { id = "rumour", title = "Anonymous Telegram channel", party = "BLOG", reliability = "E", credibility = 5 },
      },
      persons = {}, claims = {}, lists = {}, exchanges = {},
   }
   local planted = {}
   local claims, sources = ds.claims, ds.sources
   local function claim(c)
      claims[#claims + 1] = c
      return c.id
   end

   local pairs_made = 0
   local ref_day = day_number(2021, 7, 20)

   -- one pair of lists of the same population: m_id persons on both by person id, m_name by the
   -- same Latin name written differently (case, spaces), the rest on one list only
   local function list_pair(k)
      local direction = pairs_made % 2 -- 0: Armenians held by AZE, 1: Azerbaijanis held by ARM
      local subject = pairs_made // 2 % 2 == 0 and "detainees" or "remains"
      -- each (direction, subject) has a day of its own: the pairs of one population never overlap
      local day = day_number(2014, 1, 1) + pairs_made // 4
      pairs_made = pairs_made + 1
      if day >= ref_day then error("generate: scale too large for the list calendar", 3) end
      local as_of = civil(day)
      local holder, about = direction == 0 and "AZE" or "ARM", direction == 0 and "ARM" or "AZE"
      local given, surnames = direction == 0 and ARM_GIVEN or AZE_GIVEN, direction == 0 and ARM_SURNAMES or AZE_SURNAMES
      -- the about side writes its own people in its own way; the holder in Russian
      local about_form, holder_form = 2, 3
      local n1, n2 = rand(15, 60), rand(15, 60)
      local m_id, m_name = rand(2, 8), rand(0, 4)
      local m = m_id + m_name
      local a = { id = string.format("%s-list-%d", about:lower(), k), claimant = about, holder = holder, about = about,
         subject = subject, as_of = as_of, source = about:lower() .. "-mfa", persons = {} }
      local b = { id = string.format("%s-list-%d", holder:lower(), k), claimant = holder, holder = holder,
         about = about, subject = subject, as_of = as_of, source = holder:lower() .. "-mfa", persons = {} }
      for i = 1, m_id do
         local g, s = given[rand(1, #given)], surnames[rand(1, #surnames)]
         local pid = string.format("p-%d-%d", k, i)
         ds.persons[#ds.persons + 1] = { id = pid, born = rand(1975, 2003), category = "soldier",
            names = { g[about_form] .. " " .. s[about_form], { name = s[holder_form] .. " " .. g[holder_form],
               written_by = holder } } }
         a.persons[#a.persons + 1] = { person = pid, name = g[about_form] .. " " .. s[about_form] }
         b.persons[#b.persons + 1] = { person = pid, name = s[holder_form] .. " " .. g[holder_form] }
      end
      local offset = rand(0, 143)
      for i = 1, m_name do
         local idx = (offset + i) % 144
         local name = given[idx % 12 + 1][1] .. " " .. surnames[idx // 12 + 1][1]
         a.persons[#a.persons + 1] = { name = name, category = "civilian" }
         b.persons[#b.persons + 1] = { name = "  " .. name:upper():gsub(" ", "  ") }
      end
      -- one list only: the about side's pool A of given names in its script, the holder's
      -- pool B in Russian
      for _ = m + 1, n1 do
         local g, s = given[rand(1, 6)], surnames[rand(1, #surnames)]
         a.persons[#a.persons + 1] = { name = g[about_form] .. " " .. s[about_form] }
      end
      for _ = m + 1, n2 do
         local g, s = given[rand(7, 12)], surnames[rand(1, #surnames)]
         b.persons[#b.persons + 1] = { name = s[holder_form] .. " " .. g[holder_form] }
      end
      ds.lists[#ds.lists + 1] = a
      ds.lists[#ds.lists + 1] = b
      -- the rule calls n1 the list whose id sorts first
      if a.id > b.id then n1, n2 = n2, n1 end
      planted[#planted + 1] = { rule = "population_estimate", evidence = { lists = { a.id, b.id } },
         measures = { n1 = n1, n2 = n2, m = m } }
   end

   for k = 1, scale do
      local region = string.format("%s sector %d", REGIONS[(k - 1) % #REGIONS + 1], k)
      local month = string.format("2021-%02d", rand(2, 6))
      local kind = k % 10
      if kind == 3 then
         -- a count gap: both sides well sourced (the press), counts far apart
         local low = rand(20, 80)
         local high = math.floor(low * (rand(20, 40) / 10)) + 1
         local arm = claim({ id = "arm-held-" .. k, claimant = "ARM", source = "wire-a", as_of = month,
            subject = "detainees", holder = "AZE", about = "ARM", region = region,
            count = { best = high, approx = true }, scope = { "soldiers", "civilians" } })
         local aze = claim({ id = "aze-held-" .. k, claimant = "AZE", source = "wire-b", as_of = month,
            subject = "detainees", holder = "AZE", about = "ARM", region = region,
            count = { low = low - 5, best = low, high = low + 5 }, scope = { "soldiers", "entered_after_ceasefire" } })
         planted[#planted + 1] = { rule = "count_gap", evidence = { claims = { arm, aze } } }
      else
         -- the consistent record: both parties' own figures, within 20% of each other, and an
         -- ICRC range covering both
         local a = rand(10, 300)
         local z = a + rand(0, a // 5)
         local lo, hi = a, z
         if k % 2 == 0 then lo, hi = z, a end -- either side may give the larger figure
         local icrc = "icrc-update-" .. k
         sources[#sources + 1] = { id = icrc, title = "ICRC operational update " .. k, party = "ICRC",
            published = month, reliability = "A", credibility = 2 }
         claim({ id = "arm-held-" .. k, claimant = "ARM", source = "arm-mfa", as_of = month, subject = "detainees",
            holder = "AZE", about = "ARM", region = region, count = { exact = lo } })
         claim({ id = "aze-held-" .. k, claimant = "AZE", source = "aze-mfa", as_of = month, subject = "detainees",
            holder = "AZE", about = "ARM", region = region, count = { exact = hi } })
         claim({ id = "icrc-held-" .. k, claimant = "ICRC", source = icrc, as_of = month, subject = "detainees",
            holder = "AZE", about = "ARM", region = region, count = { low = a, high = z + 1 } })
      end
      if kind == 1 then list_pair(k) end
      if kind == 5 then
         -- self-sourced and weakly graded, nothing else on it
         planted[#planted + 1] = { rule = "corroboration", evidence = { claims = { claim({
            id = "arm-remains-" .. k, claimant = "ARM", source = "arm-ombudsman", as_of = month, subject = "remains",
            holder = "AZE", about = "ARM", region = region, count = { best = rand(3, 40), approx = true } }) } } }
      elseif kind == 7 then
         -- a third party's claim on a weak source only
         planted[#planted + 1] = { rule = "corroboration", evidence = { claims = { claim({
            id = "blog-mines-" .. k, claimant = "BLOG", source = "rumour", as_of = month, subject = "mine_maps_exist",
            about = "AZE", region = region, value = false }) } } }
      elseif kind == 8 then
         -- stale: an old figure its claimant never updated (well sourced: nothing else fires)
         local old = k % 20 == 8 and string.format("%d", rand(2016, 2018)) or string.format("2020-%02d", rand(1, 9))
         planted[#planted + 1] = { rule = "stale_claim", evidence = { claims = { claim({
            id = "aze-mines-" .. k, claimant = "AZE", source = "wire-a", as_of = old, subject = "mines",
            about = "AZE", region = region, count = { best = rand(100, 5000) * 10, approx = true } }) } } }
      elseif kind == 9 then
         -- near misses for stale_claim: an old figure updated by its claimant, and one superseded
         local n = rand(100, 5000) * 10
         claim({ id = "arm-mines-old-" .. k, claimant = "ARM", source = "wire-a", as_of = "2020-03", subject = "mines",
            about = "AZE", region = region, count = { exact = n } })
         claim({ id = "arm-mines-new-" .. k, claimant = "ARM", source = "wire-b", as_of = month, subject = "mines",
            about = "AZE", region = region, count = { exact = n } })
         claim({ id = "aze-remains-2019-" .. k, claimant = "AZE", source = "wire-a", as_of = "2019",
            subject = "remains", holder = "ARM", about = "AZE", region = region, count = { exact = rand(1, 9) } })
         claim({ id = "aze-remains-fix-" .. k, claimant = "AZE", source = "wire-b", as_of = month, subject = "remains",
            holder = "ARM", about = "AZE", region = region, count = { exact = rand(1, 9) },
            supersedes = "aze-remains-2019-" .. k })
      end
      if k % 3 == 0 then
         -- an exchange: named detainees one way, mine maps the other
         local date = civil(day_number(2021, 1, 10) + rand(0, 180))
         local names = {}
         for i = 1, rand(1, 5) do
            local g, s = ARM_GIVEN[rand(1, 12)], ARM_SURNAMES[rand(1, 12)]
            names[i] = { name = g[2] .. " " .. s[2], born = rand(1980, 2002), category = "soldier" }
         end
         ds.exchanges[#ds.exchanges + 1] = {
            id = "exchange-" .. k, date = date, place = "Azerbaijani-Georgian border",
            mediators = { "RUS", "ICRC" }, sources = { "wire-a" },
            transfers = {
               { from = "AZE", to = "ARM", detainees = { count = #names + rand(0, 10), persons = names } },
               { from = "ARM", to = "AZE", mine_maps = { {
                  region = region, mines = rand(100, 10000) * 10, types = MINE_TYPES[rand(1, 3)],
                  reference_points = { "road junction " .. k, "water tower " .. k },
                  perimeter = "polygon of " .. rand(4, 12) .. " points", emplacing_method = "hand-laid",
                  date_laid = string.format("%d", rand(1993, 2020)), anti_handling = k % 2 == 0,
               } } },
            },
         }
      end
   end
   ds.exchanges[#ds.exchanges + 1] = {
      id = "exchange-final", date = REFERENCE_DATE, place = "Lachin corridor", mediators = { "RUS" },
      transfers = { { from = "ARM", to = "AZE", remains = { count = 3 } } },
   }
   return ds, planted
end

-- Run as a script (not loaded by dofile or require)?
local script = arg and arg[0] and arg[0]:match("gen%.lua$") and select("#", ...) == #arg
if not script then return generate end

local scale = tonumber(arg[1]) or 2000
local seed = tonumber(arg[2]) or 1
local path = arg[3]
local clock = os.clock
local t0 = clock()
local ds, planted = generate(math.tointeger(scale), math.tointeger(seed))
local t_gen = clock() - t0
local json = require "parley.json"
if path then
   local yaml = require "parley.yaml"
   local f = assert(io.open(path, "wb"))
   f:write(yaml.dump(ds))
   f:close()
   f = assert(io.open(path .. ".answers.json", "wb"))
   f:write(json.encode(planted), "\n")
   f:close()
   print(string.format("wrote %s (%d claims, %d lists, %d exchanges) and %d planted answers in %.2f s", path,
      #ds.claims, #ds.lists, #ds.exchanges, #planted, clock() - t0))
   return
end

-- the benchmark: import, run the four rules, compare with what was planted
local parley = require "parley"
local store = os.tmpname()
os.remove(store)
local db = assert(parley.open(store))
local w0 = os.time()
t0 = clock()
assert(db:import(ds))
local t_import = clock() - t0
db:close()
local entries = 0
for _, l in ipairs(ds.lists) do entries = entries + #l.persons end
print(string.format("scale %d seed %d: %d claims, %d lists (%d entries), %d exchanges, %d persons; " ..
   "generated in %.2f s, imported in %.2f s", scale, seed, #ds.claims, #ds.lists, entries, #ds.exchanges,
   #ds.persons, t_gen, t_import))
local rules = { "count_gap", "corroboration", "stale_claim", "population_estimate" }
if os.getenv("GEN_RULES") then -- e.g. GEN_RULES=corroboration,stale_claim
   rules = {}
   for r in os.getenv("GEN_RULES"):gmatch("[%w_]+") do rules[#rules + 1] = r end
end
local running = {}
for _, r in ipairs(rules) do running[r] = true end
-- generous limits, so that a rule slower than linear is measured rather than cut off
local config = { parley = 1, store = store, rules = {}, limits = { seconds = 600, instructions = 100000000000 } }
for i, r in ipairs(rules) do config.rules[i] = { use = r } end
local run = assert(parley.reconcile(config, { jobs = 1 }))
local function key(rule, evidence)
   local ids = {}
   for _, kind in ipairs({ "claims", "lists" }) do
      for _, id in ipairs(evidence[kind] or {}) do ids[#ids + 1] = kind .. ":" .. id end
   end
   table.sort(ids)
   return rule .. " " .. table.concat(ids, ",")
end
local want, got = {}, {}
for _, p in ipairs(planted) do
   if running[p.rule] then want[key(p.rule, p.evidence)] = true end
end
for _, f in ipairs(run.findings) do got[key(f.rule, f.evidence)] = true end
local missing, extra = 0, 0
for k in pairs(want) do if not got[k] then missing = missing + 1 end end
for k in pairs(got) do if not want[k] then extra = extra + 1 end end
for _, o in ipairs(run.outcomes) do
   print(string.format("  %-20s %-8s %5d findings %7.3f s", o.rule, o.outcome, o.total, o.seconds or 0))
end
local n_want = 0
for _ in pairs(want) do n_want = n_want + 1 end
print(string.format("planted %d (for these rules), found %d: %d missing, %d unexpected (wall %d s)", n_want,
   #run.findings, missing, extra, os.time() - w0))
for _, s in ipairs({ "", "-wal", "-shm" }) do os.remove(store .. s) end
if missing > 0 or extra > 0 then os.exit(1) end
