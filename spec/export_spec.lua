-- SPDX-License-Identifier: MIT
-- Data out (docs/tables.md): a store comes out as datasets that import back as the same
-- records, which is how two stores merge; and as CSV tables with HXL hashtags.
local parley = require "parley"
local support = require "support"
local export = require "parley.export"

local EXAMPLE = support.top .. "/examples/caucasus-2021/dataset.yaml"
local DIR = support.top .. "/spec/fixtures/tables/"

-- The tables that hold imported records, and the columns that only say which import
-- brought a row and where it was written (they differ between stores by design: the second
-- store's records are in the exported files).
local RECORD_TABLES = { "records", "parties", "sources", "claims", "persons", "person_names", "lists", "exchanges",
   "exchange_mediators", "exchange_sources", "transfers", "entries", "mine_maps" }

-- Every row of every record table, each row as text, in a stable order.
local function contents(db)
   local out = {}
   for _, t in ipairs(RECORD_TABLES) do
      local rows = {}
      for row in db:query("SELECT * FROM " .. t) do
         row.import = nil
         if t == "records" then row.line, row.col, row.file = nil, nil, nil end
         local keys = {}
         for k in pairs(row) do keys[#keys + 1] = k end
         table.sort(keys)
         local cells = {}
         for i, k in ipairs(keys) do cells[i] = k .. "=" .. tostring(row[k]) end
         rows[#rows + 1] = table.concat(cells, " ")
      end
      table.sort(rows)
      out[t] = rows
   end
   return out
end

local function filled_store()
   local db = assert(parley.open(support.tmpname("a.db")))
   assert(db:import({ EXAMPLE, DIR .. "parties.yaml" }))
   assert(db:import({ table = DIR .. "released.csv", map = DIR .. "released.map.yaml" }))
   assert(db:import({ table = DIR .. "claims.csv", map = DIR .. "claims.map.yaml" }))
   return db
end

local function export_dir(db, opts)
   local dir = support.tmpname("export")
   os.execute("mkdir -p " .. support.quote(dir))
   opts = opts or {}
   opts.dir = dir
   local written = assert(export.datasets(db, opts))
   local paths = {}
   for i, w in ipairs(written) do paths[i] = w.path end
   return paths, dir
end

describe("parley export", function()
   it("writes one dataset per import, named after it, with its name and SHA-256 in a header comment", function()
      local db = filled_store()
      local paths = export_dir(db)
      local imports = {}
      for i in db:imports() do imports[#imports + 1] = i end
      db:close()
      assert.equal(4, #paths)
      assert.matches("/0001%-dataset%.yaml$", paths[1])
      assert.matches("/0003%-released%.yaml$", paths[3])
      local text = support.read(paths[3])
      assert.matches("^# parley export of import 3 of ", text)
      assert.truthy(text:find("# name: " .. imports[3].name, 1, true))
      assert.truthy(text:find("# sha256: " .. imports[3].sha256, 1, true))
   end)

   it("round-trips: a fresh store importing the export holds every table, every record, field for field", function()
      local a = filled_store()
      local paths = export_dir(a)
      local b = assert(parley.open(":memory:"))
      assert(b:import(paths))
      assert.same(contents(a), contents(b))
      for _, kind in ipairs({ "parties", "sources", "claims", "lists", "persons", "exchanges" }) do
         local from_a, from_b = {}, {}
         for r in a[kind](a) do from_a[#from_a + 1] = r end
         for r in b[kind](b) do from_b[#from_b + 1] = r end
         assert.same(from_a, from_b, kind)
         assert.is_true(#from_a > 0, kind)
      end
      a:close()
      b:close()
   end)

   it("writes an import's vocabulary, so the records it brought read the same in the other store", function()
      local a = assert(parley.open(":memory:"))
      assert(a:import({ vocabulary = { scopes = { soldiers = { synonyms = { "servicemen_and_officers" } } } },
         parties = { { id = "ARM", name = "Armenia" } }, sources = { { id = "s", title = "S" } },
         claims = { { id = "c", claimant = "ARM", source = "s", as_of = "2021", subject = "detainees",
            count = { exact = 3 }, scope = { "servicemen_and_officers" } } } }))
      local b = assert(parley.open(":memory:"))
      local summary = assert(b:import((export_dir(a))))
      assert.same({}, summary.warnings)
      assert.same(a:first("SELECT vocabulary FROM vocabularies"), b:first("SELECT vocabulary FROM vocabularies"))
      local c = b:claims({ id = "c" })()
      assert.same({ "soldiers" }, c.canonical.scope)
      assert.is_nil(export.documents(b)[1].data.claims[1].canonical)
      a:close()
      b:close()
   end)

   it("is idempotent on the store it came from: every record is unchanged", function()
      local db = filled_store()
      local before = contents(db)
      local summary = assert(db:import((export_dir(db))))
      assert.equal(0, summary.claims + summary.lists + summary.parties + summary.sources + summary.exchanges)
      assert.is_true(summary.unchanged > 0)
      assert.same(before, contents(db))
      db:close()
   end)

   it("--since writes only the imports after the one named", function()
      local db = filled_store()
      local paths = export_dir(db, { since = 2 })
      db:close()
      assert.equal(2, #paths)
      assert.matches("/0003%-released%.yaml$", paths[1])
      assert.matches("/0004%-claims%.yaml$", paths[2])
   end)

   it("from the command line, prints each file it writes", function()
      local db = filled_store()
      local path = db:path()
      db:close()
      local dir = support.tmpname("out")
      os.execute("mkdir -p " .. support.quote(dir))
      local code, out, err = support.parley("export", path, "--out", dir)
      assert.equal(0, code, err)
      assert.matches("0004%-claims%.yaml\n$", out)
      code, out, err = support.parley("export", path, "--since", "latest")
      assert.equal("", out)
      assert.equal(3, code)
      assert.matches("%-%-since takes an import id", err)
   end)
end)

describe("merging two stores through exports", function()
   it("gives each store the other's records, and importing again changes nothing", function()
      local a = assert(parley.open(":memory:"))
      assert(a:import({ DIR .. "parties.yaml", { table = DIR .. "released.csv", map = DIR .. "released.map.yaml" } }))
      local b = assert(parley.open(":memory:"))
      assert(b:import({ DIR .. "parties.yaml", { table = DIR .. "claims.csv", map = DIR .. "claims.map.yaml" } }))
      local from_a, from_b = export_dir(a), export_dir(b)
      assert(a:import(from_b))
      assert(b:import(from_a))
      assert.same(contents(a).claims, contents(b).claims)
      assert.same(contents(a).entries, contents(b).entries)
      assert.equal(2, #contents(a).claims)
      assert.equal(3, #contents(b).entries)
      local again = assert(a:import(from_b))
      assert.equal(0, again.claims)
      a:close()
      b:close()
   end)

   it("refuses a record with the same id and different content, naming the record and where it is", function()
      local a = assert(parley.open(":memory:"))
      assert(a:import(DIR .. "parties.yaml"))
      assert(a:import({ table = DIR .. "claims.csv", map = DIR .. "claims.map.yaml" }))
      local b = assert(parley.open(":memory:"))
      assert(b:import(DIR .. "parties.yaml"))
      assert(b:import({ claims = { { id = "arm-ombudsman-d-2023-10", claimant = "ARM", source = "arm-ombudsman-2023",
         as_of = "2023-10-01", subject = "detainees", holder = "AZE", about = "ARM", count = { best = 125 } } } }))
      local summary, err = a:import(export_dir(b))
      assert.is_nil(summary)
      assert.matches("0002%-dataset%.yaml:%d+:%d+: claim arm%-ombudsman%-d%-2023%-10: claim " ..
         "'arm%-ombudsman%-d%-2023%-10' is already in the store with different content", err)
      a:close()
      b:close()
   end)
end)

describe("parley export --format csv", function()
   local function csv(kind)
      local db = filled_store()
      local text = assert(export.csv(db, kind))
      db:close()
      return require("parley.core").read_csv(text)
   end

   it("writes claims under a row of names and a row of HXL hashtags", function()
      local rows = csv("claims")
      assert.equal("id", rows[1][1])
      assert.equal("#meta+id", rows[2][1])
      local by_id = {}
      for i = 3, #rows do by_id[rows[i][1]] = rows[i] end
      local col = {}
      for i, name in ipairs(rows[1]) do col[name] = i end
      local c = by_id["arm-ombudsman-d-2023-10"]
      assert.equal("ARM", c[col.claimant])
      assert.equal("2023-10-01", c[col.as_of])
      assert.equal("120", c[col.best])
      assert.equal("soldiers; civilians", c[col.scope])
   end)

   it("writes persons and exchanges, one row per transfer", function()
      local persons = csv("persons")
      assert.equal("#affected+name", persons[2][2])
      local by_name = {}
      for i = 3, #persons do by_name[persons[i][2]] = persons[i] end
      assert.same({ "aze-released-2023-12-13#2", "Sargsyan Aram", "Sargsyan Aram", "2001", "", "soldier", "",
         "aze-released-2023-12-13" }, by_name["Sargsyan Aram"])
      local exchanges = csv("exchanges")
      assert.equal(4, #exchanges)
      assert.equal("2021-06-12-agdam", exchanges[3][1])
      assert.equal("15", exchanges[3][7])
      assert.equal("97000", exchanges[4][10])
   end)

   it("refuses another kind, and the command line writes to --out", function()
      local db = filled_store()
      local path = db:path()
      assert.same({ nil, "--kind takes one of persons, claims, exchanges, not 'sources'" },
         { export.csv(db, "sources") })
      db:close()
      local out = support.tmpname("claims.csv")
      local code, _, err = support.parley("export", path, "--format", "csv", "--kind", "claims", "--out", out)
      assert.equal(0, code, err)
      assert.matches("^id,claimant", support.read(out))
      local xml_code, _, xml_err = support.parley("export", path, "--format", "xml")
      code, err = xml_code, xml_err
      assert.equal(3, code)
      assert.matches("yaml %(the default%) or csv", err)
   end)
end)
