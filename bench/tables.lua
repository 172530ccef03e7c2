-- SPDX-License-Identifier: MIT
-- Tables benchmark: a named list of ROWS persons imported from a CSV file through a mapping
-- (parley.tables) against the same records written as a parley YAML dataset, each into a
-- fresh file-backed store (a temp dir) with the parties it refers to already in it. The files
-- are written before the clock starts; the clock covers db:import, that is reading, parsing,
-- validating and writing, in one process, after a full garbage collection (so neither pays
-- for the other's garbage). Each peer runs REPS times, round by round (CSV, YAML, then again),
-- and the best time of each is kept; both must write the same entries.
--
-- Prints rows/s and the ratio of the CSV import's rate to the YAML import's with PASS/MISS
-- (target: at least 1.0, the issue's "at least as fast"), and the median of the per-round
-- ratios. A measurement, not a test: it exits 0 whatever the ratio (non-zero only when it
-- cannot run or the peers disagree). Environment: TABLES_ROWS (100000), TABLES_REPS (3).

local parley = require("parley")

local ROWS = tonumber(os.getenv("TABLES_ROWS")) or 100000
local REPS = tonumber(os.getenv("TABLES_REPS")) or 3

local clock
do
    local ok, system = pcall(require, "system")
    if ok and system.monotime then
        clock = system.monotime
    else
        local sok, socket = pcall(require, "socket")
        clock = sok and socket.gettime or os.clock
    end
end

local dir = io.popen("mktemp -d /tmp/parley-bench-tables.XXXXXX"):read("l")

local function write(name, text)
    local path = dir .. "/" .. name
    local f = assert(io.open(path, "wb"))
    f:write(text)
    f:close()
    return path
end

local SURNAMES = { "Petrosyan", "Sargsyan", "Hakobyan", "Mammadov", "Aliyev", "Hasanov", "Grigoryan" }
local GIVEN = { "Aram", "Davit", "Hovhannes", "Elvin", "Rashad", "Narek", "Tigran", "Orkhan" }
local CATEGORY = { "soldier", "civilian" }

local csv, yaml = { "surname,given,born,category\n" }, {
    "parley: 1\nlists:\n  - id: bench-list\n    claimant: AZE\n    subject: detainees\n    as_of: 2023-12\n",
    "    persons:\n",
}
for i = 1, ROWS do
    local s, g = SURNAMES[i % #SURNAMES + 1] .. i, GIVEN[i % #GIVEN + 1]
    local born, cat = 1950 + i % 50, CATEGORY[i % 2 + 1]
    csv[#csv + 1] = string.format("%s,%s,%d,%s\n", s, g, born, cat)
    yaml[#yaml + 1] = string.format("      - {name: %s %s, born: %d, category: %s}\n", g, s, born, cat)
end
local csv_path = write("list.csv", table.concat(csv))
local map_path = write("list.map.yaml", "parley: 1\n" ..
    "list: {id: bench-list, claimant: AZE, subject: detainees, as_of: 2023-12}\n" ..
    "person: {name: \"{given} {surname}\", born: born, category: category}\n")
local yaml_path = write("list.yaml", table.concat(yaml))
local parties = write("parties.yaml", "parley: 1\nparties: [{id: AZE, name: Azerbaijan}]\n")

local run = 0
local function import(source)
    run = run + 1
    local path = string.format("%s/store-%d.db", dir, run)
    local db = assert(parley.open(path))
    assert(db:import(parties))
    -- the garbage of the run before is not this run's to collect
    collectgarbage()
    collectgarbage()
    local t0 = clock()
    local summary = assert(db:import(source))
    local elapsed = clock() - t0
    local n = db:first("SELECT count(*) AS n, sum(born_year) AS s FROM entries")
    db:close()
    os.remove(path)
    os.remove(path .. "-wal")
    os.remove(path .. "-shm")
    assert(summary.lists == 1)
    return elapsed, n.n .. ":" .. n.s
end

local best = { csv = math.huge, yaml = math.huge }
local ratios = {}
for _ = 1, REPS do
    local tc, check_csv = import({ table = csv_path, map = map_path })
    local ty, check_yaml = import(yaml_path)
    if check_csv ~= check_yaml then
        io.stderr:write("tables: the CSV and YAML imports wrote different entries\n")
        os.exit(1)
    end
    best.csv, best.yaml = math.min(best.csv, tc), math.min(best.yaml, ty)
    ratios[#ratios + 1] = ty / tc
end
os.execute("rm -rf '" .. dir .. "'")
table.sort(ratios)
local ratio = best.yaml / best.csv
print(string.format("import of a %d-person list: CSV through a mapping %.0f rows/s, YAML %.0f rows/s", ROWS,
    ROWS / best.csv, ROWS / best.yaml))
print(string.format("CSV / YAML rate: %.2f (target >= 1.00) %s, median of rounds %.2f", ratio,
    ratio >= 1 and "PASS" or "MISS", ratios[(#ratios + 1) // 2]))
