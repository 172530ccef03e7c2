-- SPDX-License-Identifier: MIT
-- parley.yaml.load against lyaml (Debian's lua-yaml, in this process) and against bare libyaml
-- events (bench/yaml_events.c, built by tools/bench.sh into $BENCH_BIN), on a generated
-- dataset-shaped file of about 12 MB. Prints MB/s for each and the ratios, then peak memory
-- during our load against the memory the loaded value occupies.
--
-- Timing: CPU time (os.clock here, CLOCK_PROCESS_CPUTIME_ID in the C program), best of several runs
-- (ours: 5; lyaml: 1 run, it is slow). Memory: measured in a child process per loader (this script with
-- --memory), after reading the file and a full collection: the peak is VmHWM - VmRSS across the
-- load (VmHWM reset through /proc/self/clear_refs), the value is the growth of the Lua heap
-- (collectgarbage "count") across the load after a full collection.
-- Targets: >= 20x lyaml, >= 0.5x bare events, peak <= 4x the value.
local TARGET_MB = 12

local function read_file(path)
   local f = assert(io.open(path, "rb"))
   local text = f:read("a")
   f:close()
   return text
end

local function proc_status_kb(field)
   local text = read_file("/proc/self/status")
   return tonumber(text:match(field .. ":%s*(%d+) kB"))
end

--- The child: loads path with the named loader and prints "peak_kb value_kb".
local function memory_child(path, which)
   local loader
   if which == "parley" then
      loader = require("parley.yaml").load
   else
      loader = require("lyaml").load
   end
   local text = read_file(path)
   collectgarbage()
   collectgarbage()
   local f = assert(io.open("/proc/self/clear_refs", "w"))
   f:write("5") -- resets VmHWM to the current RSS
   f:close()
   local rss0 = proc_status_kb("VmRSS")
   local heap0 = collectgarbage("count")
   local value = loader(text)
   local hwm = proc_status_kb("VmHWM")
   collectgarbage()
   collectgarbage()
   local heap1 = collectgarbage("count")
   assert(value)
   print(("%d %d"):format(hwm - rss0, math.floor(heap1 - heap0)))
end

if arg[1] == "--memory" then
   memory_child(arg[2], arg[3])
   return
end

local yaml = require "parley.yaml"

-------------------------------------------------------------------------- the dataset
local armenian = { "Հովհաննես", "Արամ", "Գևորգ", "Նարեկ", "Տիգրան", "Արմեն", "Սարգիս", "Դավիթ" }
local armenian_family = { "Պետրոսյան", "Հակոբյան", "Սարգսյան", "Գրիգորյան", "Մկրտչյան", "Ավետիսյան" }
local russian = { "Иван", "Алексей", "Дмитрий", "Сергей", "Николай", "Михаил" }
local russian_family = { "Петров", "Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов" }
local latin = { "Hovhannes", "Aram", "Gevorg", "Elvin", "Rashad", "Tural", "Vugar", "Samir" }
local latin_family = { "Petrosyan", "Hakobyan", "Aliyev", "Mammadov", "Huseynov", "Sargsyan" }
local subjects = { "detainees", "remains", "mines", "mine_maps", "missing" }
local scopes = { "soldiers", "civilians", "border_guards", "volunteers" }
local parties = { "ARM", "AZE", "RUS", "GEO", "USA", "OSCE", "EU" }

local function pick(list)
   return list[math.random(#list)]
end

local function person_name()
   local r = math.random(3)
   if r == 1 then
      return pick(armenian) .. " " .. pick(armenian_family)
   elseif r == 2 then
      return pick(russian) .. " " .. pick(russian_family)
   end
   return pick(latin) .. " " .. pick(latin_family)
end

local function date()
   return ("20%02d-%02d-%02d"):format(math.random(20, 23), math.random(12), math.random(28))
end

--- Appends YAML lines for a dataset of about target_mb megabytes to out.
local function generate(target_mb)
   math.randomseed(42)
   local out, size = {}, 0
   local function line(s)
      out[#out + 1] = s
      size = size + #s + 1
   end
   line("parley: 1")
   line("parties:")
   for _, p in ipairs(parties) do
      line(("  - {id: %s, name: Party %s, kind: state}"):format(p, p))
   end
   line("sources:")
   for i = 1, 500 do
      line(("  - id: src-%d"):format(i))
      line(("    title: \"Statement %d on the humanitarian track\""):format(i))
      line(("    party: %s"):format(pick(parties)))
      line(("    speaker: %s"):format(person_name()))
      line(("    published: %s"):format(date()))
      line(("    url: https://example.org/statements/%d"):format(i))
      line(("    reliability: %s"):format(pick { "A", "B", "C" }))
      line(("    credibility: %d"):format(math.random(1, 6)))
   end
   local budget = target_mb * 1024 * 1024
   local n = 0
   while size < budget do
      n = n + 1
      local kind = n % 3
      if kind == 0 then
         line(n == 3 and "claims:" or "claims_" .. n .. ":")
         for c = 1, 200 do
            line(("  - id: claim-%d-%d"):format(n, c))
            line(("    claimant: %s"):format(pick(parties)))
            line(("    source: src-%d"):format(math.random(500)))
            line(("    as_of: %s"):format(date()))
            line(("    subject: %s"):format(pick(subjects)))
            line(("    holder: %s"):format(pick(parties)))
            line(("    about: %s"):format(pick(parties)))
            if c % 2 == 0 then
               line(("    count: {best: %d, approx: true}"):format(math.random(1000)))
            else
               local low = math.random(100)
               line(("    count: {low: %d, high: %d, best: %d}"):format(low, low + 80, low + 20))
            end
            line(("    scope: [%s, %s]"):format(pick(scopes), pick(scopes)))
            line(("    text: \"%s said %d people were held; ratio %.2f\""):format(person_name(),
               math.random(500), math.random() * 3))
         end
      elseif kind == 1 then
         line("lists_" .. n .. ":")
         for l = 1, 20 do
            line(("  - id: list-%d-%d"):format(n, l))
            line(("    claimant: %s"):format(pick(parties)))
            line(("    holder: %s"):format(pick(parties)))
            line("    subject: detainees")
            line(("    as_of: %s"):format(date()))
            line("    persons:")
            for _ = 1, 50 do
               line(("      - {name: %s, born: %d, category: %s}"):format(person_name(),
                  math.random(1950, 2004), pick { "soldier", "civilian" }))
            end
         end
      else
         line("exchanges_" .. n .. ":")
         for e = 1, 30 do
            line(("  - id: %s-ex-%d"):format(date(), e))
            line(("    date: %s"):format(date()))
            line("    place: Azerbaijani-Georgian border")
            line(("    mediators: [%s, %s]"):format(pick(parties), pick(parties)))
            line("    transfers:")
            line("      - from: AZE")
            line("        to: ARM")
            line("        detainees:")
            line(("          count: %d"):format(math.random(30)))
            line("          persons:")
            for _ = 1, 10 do
               line(("            - name: %s"):format(person_name()))
               line(("              born: %d"):format(math.random(1950, 2004)))
            end
            line("      - from: ARM")
            line("        to: AZE")
            line("        mine_maps:")
            line(("          - {region: Agdam, mines: %d, types: [anti-tank, anti-personnel]}"):format(
               math.random(100000)))
         end
      end
   end
   return table.concat(out, "\n") .. "\n"
end

-------------------------------------------------------------------------- timing
local function best_time(runs, f)
   local best, result = math.huge, nil
   for _ = 1, runs do
      collectgarbage()
      local t0 = os.clock()
      result = f()
      local t = os.clock() - t0
      if t < best then
         best = t
      end
   end
   return best, result
end

local function run(cmd)
   local p = assert(io.popen(cmd))
   local out = p:read("a")
   p:close()
   return out
end

local path = os.tmpname()
local text = generate(TARGET_MB)
do
   local f = assert(io.open(path, "wb"))
   f:write(text)
   f:close()
end
local mb = #text / (1024 * 1024)
print(("dataset: %.1f MB of YAML (%s)"):format(mb, path))

local ours_t, ours_v = best_time(5, function() return yaml.load(text) end)
assert(ours_v.parley == 1 and #ours_v.claims == 200)

local ok, lyaml = pcall(require, "lyaml")
local lyaml_t
if ok then
   local v
   lyaml_t, v = best_time(1, function() return lyaml.load(text) end)
   assert(v.parley == 1 and #v.claims == 200 and v.claims[200].id == ours_v.claims[200].id)
else
   print("lyaml not installed (apt-get install lua-yaml): skipped")
end

local bin = os.getenv("BENCH_BIN") or "build/bench"
local events_out = run(("%s/yaml_events %q 3"):format(bin, path))
local events_n, events_t = events_out:match("events (%d+) seconds ([%d.]+)")
events_t = tonumber(events_t)

local function rate(t)
   return mb / t
end
print(("parley.yaml.load   %8.1f MB/s  (%.3f s)"):format(rate(ours_t), ours_t))
if lyaml_t then
   print(("lyaml.load         %8.1f MB/s  (%.3f s)"):format(rate(lyaml_t), lyaml_t))
end
if events_t then
   print(("libyaml events     %8.1f MB/s  (%.3f s, %s events)"):format(rate(events_t), events_t, events_n))
else
   print("libyaml events: failed: " .. events_out)
end
local status = 0
if lyaml_t then
   local r = lyaml_t / ours_t
   print(("ratio vs lyaml:          %6.1fx  (target >= 20x) %s"):format(r, r >= 20 and "ok" or "MISSED"))
   if r < 20 then status = 1 end
end
if events_t then
   local r = events_t / ours_t
   print(("ratio vs libyaml events: %6.2fx  (target >= 0.5x) %s"):format(r, r >= 0.5 and "ok" or "MISSED"))
   if r < 0.5 then status = 1 end
end

-------------------------------------------------------------------------- memory
local lua = os.getenv("LUA") or "lua5.4"
local script = arg[0]
for _, which in ipairs { "parley", ok and "lyaml" or nil } do
   local out = run(("%s %q --memory %q %s"):format(lua, script, path, which))
   local peak, value = out:match("(%d+) (%d+)")
   peak, value = tonumber(peak), tonumber(value)
   if peak then
      local r = peak / value
      print(("memory %-6s: peak %.1f MB during load, value %.1f MB in the Lua heap, %.2fx%s"):format(which,
         peak / 1024, value / 1024, r, which == "parley" and (r <= 4 and " (target <= 4x) ok"
         or " (target <= 4x) MISSED") or ""))
      if which == "parley" and r > 4 then status = 1 end
   else
      print("memory " .. which .. ": failed: " .. out)
   end
end
os.remove(path)
os.exit(status)
