-- SPDX-License-Identifier: MIT
-- Import benchmark (issue 17): `parley import` of generated datasets (bench/gen.lua) of about
-- 1k, 10k and 100k claims, against two peers that do the same work with less:
--   limit:  parley's own YAML loader without marks (parley.core.yaml.load, in a Lua process),
--           then bench/import_c.c writing exactly the rows parley wrote (read from the store
--           parley imported into, before its clock starts) into a fresh store of the same
--           schema, with its indexes and triggers, through prepared statements in one
--           transaction. Its time is the load's plus the write's.
--   lyaml:  lyaml (Debian lua-yaml) loading the file, then LuaSQL (lua-sql-sqlite3) writing the
--           same rows (read from parley's store before the clock) in one transaction; LuaSQL has
--           no parameter binding, so each row is SQL text made with conn:escape.
-- Every peer runs in a child process of its own under /usr/bin/time, so its peak memory is the
-- child's maximum resident set; the limit's is the larger of its two processes'. Each child
-- reads the file inside its clock and starts it after its store is open (parley.open's
-- migrations are not the import). Records are the dataset's records of every kind (claims,
-- lists, exchanges, persons, parties, sources, decisions).
--
-- Rounds run peer after peer (parley, limit, lyaml, then again), each on a fresh store. Each
-- child times both the wall clock and its own CPU time (user and system) over the same span;
-- on a shared machine the wall clock measures the other processes as much as this one, so
-- both are printed and the ratios given for both. Printed: records/s of each (from the
-- fastest round, and the median), the ratios parley/limit and parley/lyaml (of the bests, and
-- the median of the per-round ratios: a ratio far from its median is noise), peak memory
-- against the file's size, and each peer's growth exponent log(t_large / t_small) /
-- log(n_large / n_small) over the median times.
-- Targets: parley >= 0.5x the limit at 10k and 100k claims, peak <= 4x the file at 100k,
-- exponent <= 1.1. A measurement, not a test: it exits 0 whatever the ratios (non-zero only
-- when it cannot run or the peers wrote other rows).
-- Environment: BENCH_BIN (set by tools/bench.sh), IMPORT_SCALES (gen.lua scales, default
-- 174,1740,17400: 1k, 10k and 100k claims), IMPORT_ROUNDS (3), IMPORT_PEERS (parley,limit,lyaml).

local LUA = os.getenv("LUA") or "lua5.4"
local BIN = os.getenv("BENCH_BIN") or "build/bench"
local SCALES = {}
for s in (os.getenv("IMPORT_SCALES") or "174,1740,17400"):gmatch("%d+") do SCALES[#SCALES + 1] = tonumber(s) end
local ROUNDS = tonumber(os.getenv("IMPORT_ROUNDS")) or 3
local PEERS = {}
for p in (os.getenv("IMPORT_PEERS") or "parley,limit,lyaml"):gmatch("%a+") do PEERS[#PEERS + 1] = p end

-- A wall clock: luasystem (installed with busted) or LuaSocket.
local function wall_clock()
   local ok, system = pcall(require, "system")
   if ok and system.monotime then return system.monotime end
   local sok, socket = pcall(require, "socket")
   if sok then return socket.gettime end
   error("import: no wall clock module (luasystem or LuaSocket)")
end

local function read_file(path)
   local f = assert(io.open(path, "rb"))
   local text = f:read("a")
   f:close()
   return text
end

local function remove_db(path)
   os.remove(path)
   os.remove(path .. "-wal")
   os.remove(path .. "-shm")
end

-- A fresh store at path, as parley.open makes it (schema, indexes, triggers; no rows).
local function fresh_store(path)
   remove_db(path)
   local db = assert(require("parley").open(path))
   return db
end

-- Every row of every table of the store at path, each as a list of its column values (nil
-- for NULL), with the column names: { {name =, columns =, rows =}, ... } in the C writer's
-- order (imports, vocabularies, then the others).
local function store_rows(path)
   local db = assert(require("parley").open(path, { readonly = true }))
   local tables = {}
   for name in db:rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " ..
      "ORDER BY CASE name WHEN 'imports' THEN 0 WHEN 'vocabularies' THEN 1 ELSE 2 END, rowid") do
      tables[#tables + 1] = { name = name }
   end
   for _, t in ipairs(tables) do
      t.columns = assert(db:columns("SELECT * FROM \"" .. t.name .. "\""))
      t.rows = {}
      for row in db:query("SELECT * FROM \"" .. t.name .. "\"") do
         local r = {}
         for i, c in ipairs(t.columns) do r[i] = row[c] end
         t.rows[#t.rows + 1] = r
      end
   end
   db:close()
   return tables
end

---------------------------------------------------------------------------- children
-- Each prints "seconds T" (wall clock), "cpu T" (os.clock: the process's CPU time) and parley's
-- "records N" on standard output.

local CHILD = {}

function CHILD.parley(file, store)
   local clock = wall_clock()
   local db = fresh_store(store)
   local t0, c0 = clock(), os.clock()
   local summary, err = db:import(file)
   local t, c = clock() - t0, os.clock() - c0
   if not summary then error(err) end
   db:close()
   local n = 0
   for _, kind in ipairs(require("parley.vocab").RECORD_KINDS) do n = n + summary[kind] end
   print(string.format("records %d\nseconds %.6f\ncpu %.6f", n, t, c))
end

-- The limit's first half: the file read and loaded without marks; then the fresh store the
-- C writer writes into (outside the clock).
function CHILD.load(file, dest)
   local clock = wall_clock()
   local load = require("parley.core").yaml.load
   local t0, c0 = clock(), os.clock()
   local value = load(read_file(file))
   local t, c = clock() - t0, os.clock() - c0
   assert(type(value) == "table")
   fresh_store(dest):close()
   print(string.format("seconds %.6f\ncpu %.6f", t, c))
end

local function sql_value(conn, v)
   if v == nil then return "NULL" end
   if math.type(v) == "integer" then return string.format("%d", v) end
   if type(v) == "number" then return string.format("%.17g", v) end
   return "'" .. conn:escape(v) .. "'"
end

function CHILD.lyaml(file, source, dest)
   local clock = wall_clock()
   local tables = store_rows(source)
   fresh_store(dest):close()
   local driver = require("luasql.sqlite3")
   local env = assert(driver.sqlite3())
   local conn = assert(env:connect(dest))
   local cur = assert(conn:execute("PRAGMA journal_mode=WAL"))
   cur:close()
   assert(conn:execute("PRAGMA foreign_keys=ON"))
   local lyaml = require("lyaml")
   local t0, c0 = clock(), os.clock()
   local value = lyaml.load(read_file(file))
   assert(type(value) == "table")
   assert(conn:execute("BEGIN IMMEDIATE"))
   local concat = table.concat
   for _, t in ipairs(tables) do
      local head = "INSERT INTO \"" .. t.name .. "\" (\"" .. concat(t.columns, "\", \"") .. "\") VALUES ("
      local n = #t.columns
      local parts = {}
      for _, r in ipairs(t.rows) do
         for i = 1, n do parts[i] = sql_value(conn, r[i]) end
         local ok, err = conn:execute(head .. concat(parts, ", ", 1, n) .. ")")
         if not ok then error(err) end
      end
   end
   assert(conn:execute("COMMIT"))
   local t, c = clock() - t0, os.clock() - c0
   conn:close()
   env:close()
   print(string.format("seconds %.6f\ncpu %.6f", t, c))
end

---------------------------------------------------------------------------- the driver

local function run(cmd)
   local p = assert(io.popen(cmd .. " 2>&1"))
   local out = p:read("a")
   local ok = p:close()
   if not ok then error("failed: " .. cmd .. "\n" .. out) end
   return out
end

-- Runs a command under /usr/bin/time: its output and its peak resident memory in bytes.
local function measured(dir, cmd)
   local mem = dir .. "/maxrss"
   local out = run(string.format("/usr/bin/time -f %%M -o %q %s", mem, cmd))
   local kb = tonumber(read_file(mem):match("(%d+)%s*$"))
   return out, kb * 1024
end

local function child(dir, mode, ...)
   local args = { LUA, "bench/import.lua", "--child", mode }
   for _, a in ipairs({ ... }) do args[#args + 1] = string.format("%q", a) end
   return measured(dir, table.concat(args, " "))
end

-- A child's times: {wall, cpu}.
local function seconds_of(out)
   local wall, cpu = tonumber(out:match("seconds (%S+)")), tonumber(out:match("cpu (%S+)"))
   if not (wall and cpu) then error("no time in:\n" .. out) end
   return { wall, cpu }
end

local function count_rows(path)
   local db = assert(require("parley").open(path, { readonly = true }))
   local n = 0
   for name in db:rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") do
      n = n + db:first("SELECT count(*) AS n FROM \"" .. name .. "\"").n
   end
   db:close()
   return n
end

local CLOCKS = { "wall", "cpu" }

local PEER_RUN = {}

function PEER_RUN.parley(dir, size)
   local out, peak = child(dir, "parley", size.file, size.store)
   size.records = tonumber(out:match("records (%d+)"))
   return seconds_of(out), peak
end

function PEER_RUN.limit(dir, size)
   local dest = dir .. "/limit.db"
   local out, peak_load = child(dir, "load", size.file, dest)
   local t_load = seconds_of(out)
   local wout, peak_write = measured(dir, string.format("%q %q %q", BIN .. "/import_c", size.store, dest))
   local rows = tonumber(wout:match("rows (%d+)"))
   if rows ~= size.rows then error(string.format("import_c wrote %s rows, parley %d", tostring(rows), size.rows)) end
   remove_db(dest)
   return { t_load[1] + tonumber(wout:match("write_s (%S+)")), t_load[2] + tonumber(wout:match("write_cpu_s (%S+)")) },
      math.max(peak_load, peak_write)
end

function PEER_RUN.lyaml(dir, size)
   local dest = dir .. "/lyaml.db"
   local out, peak = child(dir, "lyaml", size.file, size.store, dest)
   local rows = count_rows(dest)
   if rows ~= size.rows then error(string.format("LuaSQL wrote %d rows, parley %d", rows, size.rows)) end
   remove_db(dest)
   return seconds_of(out), peak
end

local function median(list)
   local s = {}
   for i, v in ipairs(list) do s[i] = v end
   table.sort(s)
   local n = #s
   if n % 2 == 1 then return s[(n + 1) // 2] end
   return (s[n // 2] + s[n // 2 + 1]) / 2
end

local function min(list)
   local m = math.huge
   for _, v in ipairs(list) do m = math.min(m, v) end
   return m
end

local function have(peer)
   if peer == "lyaml" then
      if not (pcall(require, "lyaml") and pcall(require, "luasql.sqlite3")) then
         io.stderr:write("import: lyaml or LuaSQL missing (apt-get install lua-yaml lua-sql-sqlite3): skipping\n")
         return false
      end
   elseif peer == "limit" then
      local f = io.open(BIN .. "/import_c")
      if not f then
         io.stderr:write("import: " .. BIN .. "/import_c missing (run through tools/bench.sh): skipping the limit\n")
         return false
      end
      f:close()
   end
   return true
end

local function main()
   local dir = run("mktemp -d -t parley-bench-import.XXXXXX"):match("^(%S+)")
   local peers = {}
   for _, p in ipairs(PEERS) do
      if p == "parley" or have(p) then peers[#peers + 1] = p end
   end
   assert(peers[1] == "parley", "import: parley must be the first peer")
   local sizes = {}
   local ok, err = pcall(function()
      for _, scale in ipairs(SCALES) do
         local size = { scale = scale, file = string.format("%s/gen-%d.yaml", dir, scale),
            store = string.format("%s/parley-%d.db", dir, scale), times = {}, peaks = {} }
         run(string.format("%s bench/gen.lua %d 1 %q", LUA, scale, size.file))
         size.bytes = #read_file(size.file)
         sizes[#sizes + 1] = size
         for round = 1, ROUNDS do
            for _, peer in ipairs(peers) do
               local t, peak = PEER_RUN[peer](dir, size)
               if peer == "parley" and not size.rows then size.rows = count_rows(size.store) end
               for i, clock in ipairs(CLOCKS) do
                  size.times[clock] = size.times[clock] or {}
                  size.times[clock][peer] = size.times[clock][peer] or {}
                  table.insert(size.times[clock][peer], t[i])
               end
               size.peaks[peer] = size.peaks[peer] or {}
               table.insert(size.peaks[peer], peak)
               io.write(string.format("  scale %5d round %d %-6s wall %8.3f s  cpu %8.3f s  %9.0f records/s (cpu)  " ..
                  "peak %6.0f MB\n", scale, round, peer, t[1], t[2], size.records / t[2], peak / 2 ^ 20))
               io.flush()
            end
         end
      end
   end)
   run(string.format("rm -rf %q", dir))
   if not ok then
      io.stderr:write("import: ", tostring(err), "\n")
      return 1
   end

   io.write(string.format("import: %d round%s; records/s from the fastest round (median in brackets)\n",
      ROUNDS, ROUNDS == 1 and "" or "s"))
   for _, size in ipairs(sizes) do
      io.write(string.format("  %d records (scale %d), %.2f MB\n", size.records, size.scale, size.bytes / 1e6))
      for _, peer in ipairs(peers) do
         local parts = {}
         for _, clock in ipairs(CLOCKS) do
            local ts = size.times[clock][peer]
            parts[#parts + 1] = string.format("%s %8.0f (%8.0f)", clock, size.records / min(ts),
               size.records / median(ts))
         end
         io.write(string.format("    %-6s records/s %s  peak %6.0f MB = %5.1fx the file (median %5.1fx)\n",
            peer, table.concat(parts, "  "), min(size.peaks[peer]) / 2 ^ 20,
            min(size.peaks[peer]) / size.bytes, median(size.peaks[peer]) / size.bytes))
      end
      for _, other in ipairs(peers) do
         if other ~= "parley" then
            local parts = {}
            for _, clock in ipairs(CLOCKS) do
               local times = size.times[clock]
               local per_round = {}
               for r = 1, ROUNDS do per_round[r] = times[other][r] / times.parley[r] end
               parts[#parts + 1] = string.format("%s %5.2fx (median %5.2fx, min %5.2fx)", clock,
                  min(times[other]) / min(times.parley), median(per_round), min(per_round))
            end
            io.write(string.format("    parley/%-6s %s\n", other, table.concat(parts, "   ")))
         end
      end
   end
   if #sizes >= 2 then
      local a, b = sizes[1], sizes[#sizes]
      for _, peer in ipairs(peers) do
         local parts = {}
         for _, clock in ipairs(CLOCKS) do
            local ta, tb = a.times[clock][peer], b.times[clock][peer]
            parts[#parts + 1] = string.format("%s %.2f (%.2f from the fastest rounds)", clock,
               math.log(median(tb) / median(ta)) / math.log(b.records / a.records),
               math.log(min(tb) / min(ta)) / math.log(b.records / a.records))
         end
         io.write(string.format("  growth exponent %-6s %s, %d -> %d records\n", peer, table.concat(parts, "  "),
            a.records, b.records))
      end
   end
   return 0
end

if arg[1] == "--child" then
   CHILD[arg[2]](table.unpack(arg, 3))
   os.exit(0)
end
os.exit(main())
