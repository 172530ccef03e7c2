-- SPDX-License-Identifier: MIT
-- Tables in (docs/tables.md): a CSV or TSV file goes into the store through a YAML mapping,
-- as the persons of one list or as claims, with every problem at FILE:ROW:COLUMN (header).
local parley = require "parley"
local core = require "parley.core"
local support = require "support"

local DIR = support.top .. "/spec/fixtures/tables/"
local PARTIES = DIR .. "parties.yaml"

local function store()
   local db = assert(parley.open(":memory:"))
   assert(db:import(PARTIES))
   return db
end

-- A table and a mapping written to temporary files; returns their paths.
local function files(csv, mapping, ext)
   local t = support.write(support.tmpname("t." .. (ext or "csv")), csv)
   local m = support.write(support.tmpname("m.yaml"), mapping)
   return t, m
end

local LIST_MAP = [[
parley: 1
list: {id: arm-list, claimant: ARM, holder: AZE, subject: detainees, as_of: 2023-12}
person:
  name: "{surname} {given}"
  born: born
  category: {column: rank, values: {soldier: soldier, private: soldier, civilian: civilian}}
]]

-- The problems of importing csv through mapping, as text (the import must fail).
local function problems(csv, mapping, ext)
   local t, m = files(csv, mapping or LIST_MAP, ext)
   local db = store()
   local summary, err = db:import({ table = t, map = m })
   local written = db:first("SELECT count(*) AS n FROM entries").n
   db:close()
   assert.is_nil(summary)
   assert.equal(0, written, "nothing is written when a row is bad")
   return err, t, m
end

-- Records as imported: without the periods the readers derive from dates (born_period, ...).
local function plain(v)
   if type(v) ~= "table" then return v end
   local out = {}
   for k, x in pairs(v) do
      -- what the readers add: each date's period, a claim's or list's canonical forms
      if not (type(k) == "string" and (k:match("_period$") or k == "canonical")) then out[k] = plain(x) end
   end
   return out
end

describe("a CSV list through a mapping", function()
   it("becomes the persons of one list: templates, column references and value maps", function()
      local db = store()
      local summary = assert(db:import({ table = DIR .. "released.csv", map = DIR .. "released.map.yaml" }))
      assert.equal(1, summary.lists)
      local list = db:lists({ id = "aze-released-2023-12-13" })()
      assert.equal("AZE", list.claimant)
      assert.equal("2023-12-13", list.as_of)
      assert.equal("aze-mfa-2023-12-13", list.source)
      assert.same({
         { name = "Petrosyan Hovhannes Aramovich", born = 1999, category = "soldier" },
         { name = "Sargsyan Aram", born = 2001, category = "soldier" },        -- an empty patronymic leaves no gap
         { name = "Hakobyan, Jr. Davit Karenovich", born = 1978, category = "civilian" }, -- RFC 4180 quoting
      }, plain(list.persons))
      db:close()
   end)

   it("skips a UTF-8 byte order mark and reads CRLF line ends", function()
      local content = support.read(DIR .. "released.csv")
      assert.equal("\239\187\191", content:sub(1, 3))
      assert.truthy(content:find("\r\n", 1, true))
      local rows = core.read_csv(content)
      assert.same({ "surname", "given", "patronymic", "birth_year", "rank", "released_on" }, rows[1])
      assert.equal(4, #rows)
   end)

   it("reads a TSV file by its extension", function()
      local db = store()
      assert(db:import({ table = DIR .. "released.tsv", map = DIR .. "tsv.map.yaml" }))
      assert.same({ { name = "Hovhannes Petrosyan", born = 1999 } }, plain(db:lists()().persons))
      db:close()
   end)

   it("converts another encoding through iconv", function()
      local db = store()
      assert(db:import({ table = DIR .. "cp1251.csv", map = DIR .. "cp1251.map.yaml" }))
      assert.equal("Петросян Иван", db:lists()().persons[1].name)
      db:close()
   end)

   it("records the import with the file's and the mapping's SHA-256, and the same pair twice is a no-op", function()
      local db = store()
      local source = { table = DIR .. "released.csv", map = DIR .. "released.map.yaml" }
      assert(db:import(source))
      local again = assert(db:import(source))
      assert.equal(1, #again.already)
      assert.equal(0, again.lists)
      local last
      for i in db:imports() do last = i end
      assert.equal(core.sha256(support.read(DIR .. "released.csv")) .. "+" ..
         core.sha256(support.read(DIR .. "released.map.yaml")), last.sha256)
      assert.equal(DIR .. "released.csv --map " .. DIR .. "released.map.yaml", last.name)
      db:close()
   end)

   it("takes a mapping given as a Lua table", function()
      local db = store()
      assert(db:import({ table = DIR .. "released.tsv", map = {
         parley = 1, list = { id = "t", claimant = "ARM", subject = "detainees", as_of = "2023" },
         person = { name = "surname", notes = { value = "from a Lua mapping" } },
      } }))
      assert.same({ { name = "Petrosyan", notes = "from a Lua mapping" } }, plain(db:lists()().persons))
      db:close()
   end)

   it("says that a CSV file needs a mapping when it is imported as a dataset", function()
      local db = store()
      local summary, err = db:import(DIR .. "released.csv")
      db:close()
      assert.is_nil(summary)
      assert.matches("released%.csv: a table is read through a mapping", err)
      assert.matches("%-%-map MAPPING%.yaml", err)
   end)
end)

describe("claims from a table", function()
   it("take each field from a column, a template or a constant, counts from columns and scope split", function()
      local db = store()
      local summary = assert(db:import({ table = DIR .. "claims.csv", map = DIR .. "claims.map.yaml" }))
      assert.equal(2, summary.claims)
      local c = db:claims({ id = "arm-ombudsman-d-2023-10" })()
      assert.equal("ARM", c.claimant)
      assert.equal("2023-10-01", c.as_of) -- day-first 01.10.2023
      assert.equal("AZE", c.holder)
      assert.same({ best = 120, low = 100, high = 150 }, c.count)
      assert.same({ "soldiers", "civilians" }, c.scope)
      assert.same({ best = 80 }, db:claims({ id = "arm-ombudsman-d-2023-11" })().count)
      db:close()
   end)

   it("read month-first dates when the mapping says so", function()
      local t, m = files("ref,date,n\nx,12/13/2023,5\n", [[
parley: 1
table: {dates: month-first}
claims: {id: "c-{ref}", claimant: {value: ARM}, source: {value: arm-ombudsman-2023}, as_of: date,
         subject: {value: detainees}, count: {exact: n}}
]])
      local db = store()
      assert(db:import({ table = t, map = m }))
      local c = db:claims()()
      assert.equal("2023-12-13", c.as_of)
      assert.same({ exact = 5 }, c.count)
      db:close()
   end)
end)

describe("the problems of a table", function()
   it("are all reported at once as FILE:ROW:COLUMN (header): field: message, and nothing is written", function()
      local err, t = problems("surname,given,born,rank\nPetrosyan,Hovhannes,1999?,private\n" ..
         "Sargsyan,Aram,2001,sergeant\nHakobyan,Davit,1978,soldier\n")
      assert.equal(table.concat({
         t .. [[:2:3 (born): born: malformed date "1999?": write YYYY, YYYY-MM, YYYY-MM-DD or FIRST/LAST]],
         t .. [[:3:4 (rank): category: "sergeant" is not in the mapping's values (civilian, private, soldier)]],
      }, "\n"), err)
   end)

   it("give a bad date in the dataset's own words", function()
      local err, t = problems("ref,date,n\nx,31.02.2023,5\n", [[
parley: 1
table: {dates: day-first}
claims: {id: "c-{ref}", claimant: {value: ARM}, source: {value: arm-ombudsman-2023}, as_of: date,
         subject: {value: detainees}, count: {exact: n}}
]])
      assert.equal(t .. [[:2:2 (date): as_of: date "2023-02-31" has no day 31]], err)
   end)

   it("name an unknown column where the mapping names it, with a did-you-mean", function()
      local err, _, m = problems("surname,given,born_year,rank\nA,B,1999,soldier\n")
      assert.equal(m .. ":5:9: unknown column 'born' (did you mean 'born_year'?); " ..
         "the table's columns are: surname, given, born_year, rank (at person.born)", err)
   end)

   it("say which required field a mapping leaves out", function()
      local err, _, m = problems("ref,n\nx,5\n", [[
parley: 1
claims: {id: "c-{ref}", claimant: {value: ARM}, source: {value: arm-ombudsman-2023}, count: {exact: n}}
]])
      assert.equal(table.concat({
         m .. ":2:9: missing required field 'as_of': a claim needs it (a column, a template or {value: ...}) " ..
            "(at claims)",
         m .. ":2:9: missing required field 'subject': a claim needs it (a column, a template or {value: ...}) " ..
            "(at claims)",
      }, "\n"), err)
   end)

   it("report a row with more or fewer cells than the header", function()
      local err, t = problems("surname,given,born,rank\nA,B,1999,soldier,extra\nC,D,2000\n")
      assert.matches(t:gsub("%p", "%%%0") .. ":2: the row has 5 cells, the header has 4", err)
      assert.matches(t:gsub("%p", "%%%0") .. ":3: the row has 3 cells, the header has 4", err)
   end)

   it("report a byte that is not in the encoding with its row and column", function()
      local err, t = problems("surname,given,born,rank\nA,B,1999,soldier\n\208\1,D,2000,soldier\n")
      assert.equal(t .. ":3:1 (surname): byte 0xD0 (at byte 1 of the cell) is not valid UTF-8", err)
   end)

   it("report an encoding iconv does not know at the mapping", function()
      local err, _, m = problems("a\nb\n", "parley: 1\ntable: {encoding: klingon}\n" ..
         "list: {id: l, claimant: ARM, subject: d, as_of: 2023}\nperson: {name: a}\n")
      assert.matches(m:gsub("%p", "%%%0") .. ":2:19: unknown encoding 'klingon'", err)
   end)

   it("report malformed quoting with its row", function()
      local err, t = problems('surname,given,born,rank\nA,"B,1999,soldier\n')
      assert.matches(t:gsub("%p", "%%%0") .. ":2:2 %(given%): malformed quoting", err)
      assert.not_matches("no rows", err)
   end)

   it("report an empty file and a file with a header only", function()
      local err, t = problems("")
      assert.equal(t .. ": the table is empty: it has no header row", err)
      err, t = problems("surname,given,born,rank\r\n")
      assert.equal(t .. ": the table has a header but no rows", err)
   end)

   it("report a mapping that makes both a list and claims", function()
      local err = problems("a\nb\n", "parley: 1\nlist: {id: l}\nperson: {name: a}\nclaims: {id: a}\n")
      assert.matches("a mapping makes either one list %(list: and person:%) or claims %(claims:%), exactly one", err)
   end)

   it("report the list's own problems where the mapping writes them", function()
      local err, t, m = problems("surname,given,born,rank\nA,B,1999,soldier\n", [[
parley: 1
list: {id: arm-list, claimant: ARN, subject: detainees, as_of: 2023}
person: {name: surname}
]])
      assert.equal(m .. ":2:32: list arm-list: unknown party 'ARN' (did you mean 'ARM'?) (at lists[1].claimant)", err)
      assert.is_string(t)
   end)
end)

describe("parley import and validate with --map", function()
   it("import a table and say so; importing it again skips it", function()
      local db = support.tmpname("cli.db")
      assert.equal(0, (support.parley("import", db, PARTIES)))
      local code, out, err = support.parley("import", db, DIR .. "released.csv", "--map", DIR .. "released.map.yaml")
      assert.equal(0, code, err)
      assert.matches("imported 1 file into .*: 1 lists", out)
      code, out = support.parley("import", db, DIR .. "released.csv", "--map", DIR .. "released.map.yaml")
      assert.equal(0, code)
      assert.matches("already imported %(import 2%), skipped", out)
   end)

   it("validate a table without a store, and --preview prints what the mapping makes as parley YAML", function()
      local code, out, err = support.parley("validate", PARTIES, DIR .. "released.csv", "--map",
         DIR .. "released.map.yaml", "--preview", "2")
      assert.equal(0, code, err)
      assert.equal("2 files valid\n", err)
      local data = require("parley.yaml").load(out)
      assert.equal("aze-released-2023-12-13", data.lists[1].id)
      assert.same({ { name = "Petrosyan Hovhannes Aramovich", born = 1999, category = "soldier" },
         { name = "Sargsyan Aram", born = 2001, category = "soldier" } }, data.lists[1].persons)
   end)

   it("validate exits 3 with the table's problems", function()
      local t, m = files("surname,given,born,rank\nA,B,19x9,soldier\n", LIST_MAP)
      local code, _, err = support.parley("validate", PARTIES, t, "--map", m)
      assert.equal(3, code)
      assert.matches(":2:3 %(born%): born: malformed date \"19x9\"", err)
   end)
end)

describe("a config's data", function()
   it("may name a table and its mapping", function()
      local dir = support.tmpname("cfg")
      os.execute("mkdir -p " .. support.quote(dir))
      local cfg = support.write(dir .. "/parley.yaml", string.format([[
parley: 1
data: [%s, {table: %s, map: %s}]
rules: [{use: stale_claim}]
]], PARTIES, DIR .. "claims.csv", DIR .. "claims.map.yaml"))
      -- the fixtures are outside the config's directory: the spec's own config, allowed outside
      local run, err = parley.reconcile(cfg, { allow_outside = true })
      assert.is_table(run, err)
   end)

   it("reports a table entry without its mapping", function()
      local config = require "parley.config"
      local c, err = config.load({ parley = 1, data = { { table = DIR .. "claims.csv" } }, rules = {} })
      assert.is_nil(c)
      assert.matches("missing required key 'map'", err)
   end)
end)

describe("an HXL table", function()
   it("is mapped by its tags, with a short mapping for what the tags cannot say", function()
      local db = store()
      local summary = assert(db:import({ table = DIR .. "hxl-claims.csv", map = DIR .. "hxl-claims.map.yaml" }))
      assert.equal(2, summary.claims)
      local c = db:claims({ id = "hxl-claims-3" })() -- ids from the file's name and the row
      assert.same({ id = "hxl-claims-3", claimant = "ARM", about = "ARM", holder = "AZE", as_of = "2023-10-01",
         subject = "detained", source = "arm-ombudsman-2023", count = { best = 120, low = 100 },
         text = "monthly report" }, plain(c))
      assert.same({ best = 80 }, db:claims({ id = "hxl-claims-4" })().count)
      db:close()
   end)

   it("says which fields neither the tags nor the mapping give", function()
      local db = store()
      local summary, err = db:import(DIR .. "hxl-claims.csv")
      db:close()
      assert.is_nil(summary)
      assert.matches("missing required field 'claimant': a claim needs it", err)
   end)

   it("whose first row is its tags gives the persons of a list", function()
      local db = store()
      assert(db:import({ table = DIR .. "hxl-list.csv", map = DIR .. "hxl-list.map.yaml" }))
      assert.same({ { name = "Petrosyan Hovhannes", born = 1999, category = "soldier" } }, plain(db:lists()().persons))
      db:close()
   end)

   it("written by parley export --format csv comes back in without a mapping", function()
      local a = store()
      assert(a:import({ table = DIR .. "claims.csv", map = DIR .. "claims.map.yaml" }))
      local path = support.write(support.tmpname("claims.csv"), assert(require("parley.export").csv(a, "claims")))
      local b = store()
      assert(b:import(path))
      local from_a, from_b = {}, {}
      for c in a:claims() do from_a[#from_a + 1] = c end
      for c in b:claims() do from_b[#from_b + 1] = c end
      assert.equal(2, #from_b)
      assert.same(from_a, from_b)
      a:close()
      b:close()
   end)

   it("without tags and without a mapping is refused with what to do", function()
      local code, _, err = support.parley("validate", PARTIES, DIR .. "claims.csv")
      assert.equal(3, code)
      assert.matches("a table is read through a mapping.*%-%-map MAPPING%.yaml.*HXL hashtags can do without", err)
   end)
end)

describe("docs/tables.md", function()
   it("has a Lua script example, for what the mapping language cannot say, that runs", function()
      local doc = support.read(support.top .. "/docs/tables.md")
      local script
      for code in doc:gmatch("```lua\n(.-)```") do
         if code:find("read_csv", 1, true) then script = code end
      end
      assert.is_string(script)
      local dir = support.tmpname("script")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/released.csv", support.read(DIR .. "released.csv"))
      local db = assert(parley.open(dir .. "/caucasus.db"))
      assert(db:import(PARTIES))
      db:close()
      support.write(dir .. "/script.lua", script)
      local code, out = support.sh(string.format("cd %s && %s script.lua", support.quote(dir),
         os.getenv("LUA") or "lua5.4"))
      assert.equal(0, code, out)
      db = assert(parley.open(dir .. "/caucasus.db"))
      local list = db:lists()()
      db:close()
      assert.equal("Aram SARGSYAN", list.persons[2].name)
      assert.equal(2001, list.persons[2].born)
   end)
end)

describe("a spreadsheet", function()
   -- The workbook is zipped here, by Debian's zip, from the XML parts under fixtures/tables/xlsx.
   local function workbook()
      local out = support.tmpname("book.xlsx")
      -- (without the sanitizer the ASan pass preloads, which would report zip's own leaks)
      local code, log = support.sh(string.format(
         "cd %s && env -u LD_PRELOAD zip -q -X -r %s '[Content_Types].xml' _rels xl",
         support.quote(DIR .. "xlsx"), support.quote(out)))
      assert.equal(0, code, log)
      return out
   end

   it("gives its first sheet's rows: shared strings, inline strings, numbers and date cells as days", function()
      local rows, cell_problems = core.read_xlsx(support.read(workbook()))
      assert.same({
         { "surname", "given", "born", "released_on" },
         { "Petrosyan", "Hovhannes", "1999", "2023-12-13" }, -- a string of two runs; its phonetic hint left out
         {},                                                  -- a row the sheet does not have
         { "Sargsyan", "Aram", "", "2023-12-13" },             -- a custom dd.mm.yyyy format and the built-in one
      }, rows)
      assert.same({}, cell_problems)
   end)

   it("gives a named sheet, with a cell holding an error value as a problem", function()
      local rows, cell_problems = core.read_xlsx(support.read(workbook()), { sheet = "Errors" })
      assert.same({ { "n", "true", "" } }, rows)
      assert.same({ { row = 1, column = 3, message = "the cell holds the error #N/A" } }, cell_problems)
   end)

   it("goes in through a mapping like a CSV file", function()
      local db = store()
      assert(db:import({ table = workbook(), map = DIR .. "xlsx.map.yaml" }))
      assert.same({ { name = "Hovhannes Petrosyan", born = 1999, notes = "2023-12-13" },
         { name = "Aram Sargsyan", notes = "2023-12-13" } }, plain(db:lists()().persons))
      db:close()
   end)

   it("reports a sheet the workbook does not have at the mapping, and a file that is no workbook", function()
      local book = workbook()
      local m = support.write(support.tmpname("m.yaml"), "parley: 1\ntable: {sheet: Relased}\n" ..
         "list: {id: l, claimant: AZE, subject: d, as_of: 2023}\nperson: {name: surname}\n")
      local db = store()
      local _, err = db:import({ table = book, map = m })
      assert.equal(m .. ":2:16: the workbook has no sheet 'Relased' (it has: Released, Errors) (at table.sheet)", err)
      local fake = support.write(support.tmpname("fake.xlsx"), "surname\nA\n")
      local _, err2 = db:import({ table = fake, map = m })
      assert.equal(fake .. ": not an .xlsx workbook: Not a zip archive", err2)
      db:close()
   end)
end)

describe("--set on the command line", function()
   it("gives a field of every row, over the mapping and the tags", function()
      local db = support.tmpname("set.db")
      assert.equal(0, (support.parley("import", db, PARTIES)))
      local code, out, err = support.parley("import", db, DIR .. "hxl-claims.csv", "--set", "claimant=ARM",
         "--set", "about=ARM", "--set", "subject=detainees")
      assert.equal(0, code, err)
      assert.matches("2 claims", out)
      local store_db = assert(parley.open(db))
      local c = store_db:claims({ id = "hxl-claims-3" })()
      store_db:close()
      assert.equal("ARM", c.claimant)
      assert.equal("detainees", c.subject) -- over the subject #affected+detained gives
   end)

   it("refuses a field the rows do not have, with a did-you-mean", function()
      local code, _, err = support.parley("validate", PARTIES, DIR .. "hxl-claims.csv", "--set", "claimnt=ARM")
      assert.equal(3, code)
      assert.matches("%-%-set: a claim has no field 'claimnt' %(did you mean 'claimant'%?%) that %-%-set can give",
         err)
      code, _, err = support.parley("validate", PARTIES, DIR .. "hxl-claims.csv", "--set", "claimant")
      assert.equal(3, code)
      assert.matches("%-%-set takes FIELD=VALUE", err)
   end)
end)

describe("tables and the records of reporting (several sources, accounts of an exchange)", function()
   local EXAMPLE = support.top .. "/examples/exchange-2020-12-14/dataset.yaml"
   local function example_store()
      local db = assert(parley.open(":memory:"))
      assert(db:import(EXAMPLE))
      return db
   end

   it("a claims mapping gives sources (split on ;), the exchange a claim is an account of and its direction",
      function()
      local t, m = files("ref,n,srcs,from,to\r\na,28,wire-2020-12-14; synd-2020-12-15,AZE,ARM\r\n", [[
parley: 1
claims:
  id: "tbl-{ref}"
  claimant: {value: WIRE}
  sources: srcs
  as_of: {value: 2020-12-14}
  subject: {value: prisoners_of_war_returned}
  exchange: {value: 2020-12-14-swap}
  from: from
  to: to
  count: {exact: n}
]])
      local db = example_store()
      assert(db:import({ table = t, map = m }))
      local c = db:claims({ id = "tbl-a" })()
      assert.same({ "wire-2020-12-14", "synd-2020-12-15" }, c.sources)
      assert.is_nil(c.source)
      assert.equal("2020-12-14-swap", c.exchange)
      assert.same({ "AZE", "ARM" }, { c.from, c.to })
      db:close()
   end)

   it("a list mapping gives the list's several sources", function()
      local t, m = files("name\r\nDavit Hakobyan\r\n", [[
parley: 1
list: {id: tbl-list, claimant: WIRE, holder: AZE, about: ARM, subject: detainees_released, as_of: 2020-12-14,
       sources: [wire-2020-12-14, synd-2020-12-15]}
person: {name: name}
]])
      local db = example_store()
      assert(db:import({ table = t, map = m }))
      assert.same({ "wire-2020-12-14", "synd-2020-12-15" }, db:lists({ id = "tbl-list" })().sources)
      db:close()
   end)

   it("an exported claims table imports again by its tags as the same claims: sources, exchange, from, to",
      function()
      local db = example_store()
      local text = assert(require("parley.export").csv(db, "claims"))
      assert.matches("#meta+sources", text, 1, true)
      assert.matches("#x_exchange", text, 1, true)
      local path = support.write(support.tmpname("claims.csv"), text)
      local summary = assert(db:import({ table = path }))
      assert.equal(0, summary.claims)
      assert.is_true(summary.unchanged > 0)
      -- the exchanges table gives the transfers by category and the maps' regions
      local exchanges = assert(require("parley.export").csv(db, "exchanges"))
      assert.matches(",soldiers=30; civilians=14,", exchanges, 1, true)
      assert.matches(",Fuzuli + Zangilan", exchanges, 1, true)
      assert.matches("#x_detainees_by_scope,#x_remains_by_scope,#x_map_regions", exchanges, 1, true)
      db:close()
   end)
end)
