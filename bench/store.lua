-- SPDX-License-Identifier: MIT
-- Store benchmark: parley.core's db:exec/db:query against LuaSQL (same Lua process) and against
-- the SQLite C API (bench/store_c.c, the limit).
--
-- Workload, the same for the three peers, on a fresh file-backed database each time (in a temp
-- dir, journal_mode=WAL, synchronous left at its default, foreign_keys=ON as connect sets it):
--   insert: ROWS (text, integer, real) rows in one transaction, one INSERT statement per row;
--   scan:   SELECT of all rows, reading every column of every row.
-- The row values are made before the clock starts. parley binds them as parameters; LuaSQL
-- (2.6.0 in Debian 12) has no parameter binding, so its rows go in as SQL text built with
-- string.format and conn:escape, as a LuaSQL user would write it; it scans with
-- cur:fetch(row, "a") reusing one table. The C peer times itself in its own process. Each peer
-- runs REPS times, round by round (parley, LuaSQL, C, then again), each on a fresh database;
-- the best rows/s of each is kept. The three scans must read back the same rows (checksum).
--
-- Prints rows/s and the ratios of the bests against their targets with PASS/MISS, and beside
-- each the median of the per-round ratios: on a noisy machine (wall time here varies by tens of
-- percent from minute to minute) a ratio far from its median is noise. It is a measurement, not
-- a test: it exits 0 whatever the ratios (non-zero only when it cannot run or the peers disagree).
-- Environment: BENCH_BIN (set by tools/bench.sh), STORE_ROWS (200000), STORE_REPS (5).

local core = require("parley.core")

local ROWS = tonumber(os.getenv("STORE_ROWS")) or 200000
local REPS = tonumber(os.getenv("STORE_REPS")) or 5
local BIN = os.getenv("BENCH_BIN") or "build/bench"

local TARGETS = {
    { "insert", "c", 0.6 },
    { "insert", "luasql", 2.5 },
    { "scan", "c", 0.4 },
    { "scan", "luasql", 1.0 },
}
-- Why db:query stays near 0.2x of the C loop (issue 17 asked for 0.4x, or a profile saying why
-- not). Instructions a row under callgrind, these 200,000 rows (2026-12-03): sqlite3_step 830
-- and the column reads about 150, so the C loop is about 1,000; db:rows (the values only, no
-- table) 2,260, of which pushing the three values (the text is a new Lua string each row) is
-- about 1,000; db:query 3,980: the row table (two allocations, three keys set, and the share
-- of the collector's work its garbage brings) is about 1,700 more. 0.4x would leave the row
-- table under 250 instructions with its collection, less than Lua's allocation of a table
-- alone; the column names are already interned once per statement and the table made with
-- its hash part sized for them. db:rows is the way to scan at about twice the speed.

local SCHEMA = "CREATE TABLE t(t TEXT, i INTEGER, r REAL)"
local INSERT = "INSERT INTO t(t, i, r) VALUES (?, ?, ?)"
local SELECT = "SELECT t, i, r FROM t"

-- A wall clock: luasystem (installed with busted) or LuaSocket; CPU time as a last resort.
local clock
do
    local ok, system = pcall(require, "system")
    if ok and system.monotime then
        clock = system.monotime
    else
        local sok, socket = pcall(require, "socket")
        clock = sok and socket.gettime or os.clock
        if not sok then
            io.stderr:write("store: no wall clock module, timing CPU time with os.clock\n")
        end
    end
end

-- The rows, as bench/store_c.c makes them.
local function make_rows(n)
    local texts, ints, reals = {}, {}, {}
    for i = 1, n do
        texts[i] = (i % 10 == 0) and string.format("O'Brien & Sons #%d", i)
            or string.format("name-%d-abcdefgh", i)
        ints[i] = i * 7919 % 1000003
        reals[i] = i / 7
    end
    return texts, ints, reals
end

local function remove_db(path)
    os.remove(path)
    os.remove(path .. "-wal")
    os.remove(path .. "-shm")
end

local function make_tempdir()
    local p = assert(io.popen("mktemp -d -t parley-bench-store.XXXXXX"))
    local dir = p:read("l")
    p:close()
    assert(dir and dir ~= "", "mktemp -d failed")
    return dir
end

-- Each runner returns insert rows/s, scan rows/s and the checksum {rows, text bytes, int sum,
-- real sum} of what its scan read.

local function run_parley(path, texts, ints, reals)
    remove_db(path)
    local db = assert(core.connect(path))
    assert(db:exec(SCHEMA))
    local n = #texts
    local t0 = clock()
    assert(db:transaction(function()
        for i = 1, n do
            local ok, err = db:exec(INSERT, texts[i], ints[i], reals[i])
            if not ok then error(err) end
        end
    end))
    local t_insert = clock() - t0

    local rows, tbytes, isum, rsum = 0, 0, 0, 0.0
    t0 = clock()
    for row in db:query(SELECT) do
        tbytes = tbytes + #row.t
        isum = isum + row.i
        rsum = rsum + row.r
        rows = rows + 1
    end
    local t_scan = clock() - t0

    -- the same scan through db:rows, which returns the columns as values (no row table)
    local vrows, vbytes, visum, vrsum = 0, 0, 0, 0.0
    t0 = clock()
    for t, i, r in db:rows(SELECT) do
        vbytes = vbytes + #t
        visum = visum + i
        vrsum = vrsum + r
        vrows = vrows + 1
    end
    local t_values = clock() - t0
    assert(vrows == rows and vbytes == tbytes and visum == isum and vrsum == rsum,
        "db:rows read other rows than db:query")
    db:close()
    remove_db(path)
    return n / t_insert, rows / t_scan, { rows, tbytes, isum, rsum }, vrows / t_values
end

local function run_luasql(path, texts, ints, reals)
    local driver = require("luasql.sqlite3")
    remove_db(path)
    local env = assert(driver.sqlite3())
    local conn = assert(env:connect(path))
    -- The PRAGMA returns a row, so LuaSQL hands back a cursor to close.
    local cur = assert(conn:execute("PRAGMA journal_mode=WAL"))
    local mode = cur:fetch()
    cur:close()
    assert(mode == "wal", "LuaSQL: journal_mode is " .. tostring(mode))
    assert(conn:execute("PRAGMA foreign_keys=ON"))
    assert(conn:execute(SCHEMA))

    local n = #texts
    local format, execute, escape = string.format, conn.execute, conn.escape
    local t0 = clock()
    assert(conn:execute("BEGIN IMMEDIATE"))
    for i = 1, n do
        local ok, err = execute(conn, format("INSERT INTO t(t, i, r) VALUES ('%s', %d, %.17g)",
            escape(conn, texts[i]), ints[i], reals[i]))
        if not ok then error(err) end
    end
    assert(conn:execute("COMMIT"))
    local t_insert = clock() - t0

    local rows, tbytes, isum, rsum = 0, 0, 0, 0.0
    t0 = clock()
    cur = assert(conn:execute(SELECT))
    local row = {}
    row = cur:fetch(row, "a")
    while row do
        tbytes = tbytes + #row.t
        isum = isum + row.i
        rsum = rsum + row.r
        rows = rows + 1
        row = cur:fetch(row, "a")
    end
    local t_scan = clock() - t0
    cur:close()
    conn:close()
    env:close()
    remove_db(path)
    return n / t_insert, rows / t_scan, { rows, tbytes, isum, rsum }
end

local function run_c(path)
    local cmd = string.format("%q %q %d", BIN .. "/store_c", path, ROWS)
    local p = assert(io.popen(cmd))
    local out = p:read("a")
    local ok = p:close()
    local ins = tonumber(out:match("insert_rows_per_s (%S+)"))
    local scan = tonumber(out:match("scan_rows_per_s (%S+)"))
    local r, tb, is, rs = out:match("checksum (%S+) (%S+) (%S+) (%S+)")
    if not (ok and ins and scan and r) then
        error("store_c failed (" .. cmd .. "):\n" .. out)
    end
    return ins, scan, { math.tointeger(tonumber(r)), math.tointeger(tonumber(tb)),
        math.tointeger(tonumber(is)), tonumber(rs) }
end

local function same_checksum(a, b)
    return a[1] == b[1] and a[2] == b[2] and a[3] == b[3]
        and math.abs(a[4] - b[4]) <= 1e-9 * math.abs(b[4])
end

local function main()
    local have_luasql = pcall(require, "luasql.sqlite3")
    local f = io.open(BIN .. "/store_c")
    local have_c = f ~= nil
    if f then f:close() end
    if not have_luasql then
        io.stderr:write("store: LuaSQL missing (apt-get install lua-sql-sqlite3): skipping that peer\n")
    end
    if not have_c then
        io.stderr:write("store: " .. BIN .. "/store_c missing (run through tools/bench.sh): skipping it\n")
    end

    local dir = make_tempdir()
    local texts, ints, reals = make_rows(ROWS)
    local peers = { { "parley", run_parley } }
    if have_luasql then peers[#peers + 1] = { "luasql", run_luasql } end
    if have_c then peers[#peers + 1] = { "c", function(path) return run_c(path) end } end

    local best = {}
    local rounds = {} -- rounds[rep][name] = { insert =, scan = }, for the per-round ratios
    local reference
    local status, err = pcall(function()
        for rep = 1, REPS do
            rounds[rep] = {}
            for _, peer in ipairs(peers) do
                local name, run = peer[1], peer[2]
                collectgarbage("collect")
                local ins, scan, sum, values = run(dir .. "/" .. name .. ".db", texts, ints, reals)
                if not reference then
                    reference = sum
                elseif not same_checksum(sum, reference) then
                    error(string.format("%s read back other rows: %s vs %s", name,
                        table.concat(sum, " "), table.concat(reference, " ")))
                end
                local b = best[name] or { insert = 0, scan = 0 }
                b.insert = math.max(b.insert, ins)
                b.scan = math.max(b.scan, scan)
                if values then b.values = math.max(b.values or 0, values) end
                best[name] = b
                rounds[rep][name] = { insert = ins, scan = scan, values = values }
                io.write(string.format("  run %d %-7s insert %10.0f rows/s   scan %10.0f rows/s\n",
                    rep, name, ins, scan))
                io.flush()
            end
        end
    end)
    os.remove(dir)
    if not status then
        io.stderr:write("store: ", tostring(err), "\n")
        return 1
    end

    io.write(string.format("store: %d rows, best of %d, SQLite %s, %s clock\n", ROWS, REPS,
        core.sqlite_version(), clock == os.clock and "cpu" or "wall"))
    for _, peer in ipairs(peers) do
        local b = best[peer[1]]
        io.write(string.format("  %-7s insert %10.0f rows/s   scan %10.0f rows/s\n",
            peer[1], b.insert, b.scan))
    end
    -- PASS/MISS is judged on the ratio of the bests; the median of the ratios within each round
    -- (peers run back to back) is printed beside it as a check on the machine's noise.
    io.write("  ratios: best/best, then median of per-round ratios\n")
    for _, t in ipairs(TARGETS) do
        local what, other, target = t[1], t[2], t[3]
        if best[other] then
            local ratio = best.parley[what] / best[other][what]
            local per_round = {}
            for _, r in ipairs(rounds) do
                per_round[#per_round + 1] = r.parley[what] / r[other][what]
            end
            table.sort(per_round)
            local median = per_round[(#per_round + 1) // 2]
            if #per_round % 2 == 0 then
                median = (median + per_round[#per_round // 2 + 1]) / 2
            end
            io.write(string.format("  %-6s parley/%-6s %5.2f  (median %5.2f)  target >= %.1f  %s\n",
                what, other, ratio, median, target, ratio >= target and "PASS" or "MISS"))
        else
            io.write(string.format("  %-6s parley/%-6s   -                   target >= %.1f  SKIP\n",
                what, other, target))
        end
    end
    if best.c then
        io.write(string.format("  scan through db:rows (values, no row table): %.0f rows/s, parley/c %.2f, " ..
            "parley/luasql %s\n", best.parley.values, best.parley.values / best.c.scan,
            best.luasql and string.format("%.2f", best.parley.values / best.luasql.scan) or "-"))
    end
    return 0
end

os.exit(main())
