-- SPDX-License-Identifier: MIT
-- `parley query` in the order of the SELECT with its NULL columns and in CSV and JSON, and
-- `parley reconcile` without storing the run (--no-store; store_run = false in Lua) and in
-- several formats from one run (--format a,b --out DIR).
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

local EXAMPLE = support.top .. "/examples/caucasus-2021/dataset.yaml"
local CONFIG = support.top .. "/examples/caucasus-2021/reconcile.yaml"

local function store()
   local db = support.tmpname("cli-report.db")
   assert.equal(0, (support.parley("import", db, EXAMPLE)))
   return db
end

local function runs(db)
   local conn = assert(parley.open(db, { readonly = true }))
   local n = conn:first("SELECT count(*) AS n FROM runs").n
   conn:close()
   return n
end

describe("parley query", function()
   local SQL = "SELECT id, claimant, count_best, count_exact FROM claims WHERE subject = ? ORDER BY id"

   it("prints the columns in the order of the SELECT, a column NULL in every row too", function()
      local db = store()
      local code, out = support.parley("query", db, "SELECT id, count_exact, claimant FROM claims WHERE id = ?",
         "arm-detainees-held-2021-06")
      assert.equal(0, code)
      -- count_exact is NULL (ARM says about 200): its column stays, empty
      assert.matches("^id%s+count_exact%s+claimant\n", out)
      assert.matches("\narm%-detainees%-held%-2021%-06%s+ARM\n%(1 row%)\n$", out)
      -- no rows: the header still
      code, out = support.parley("query", db, "SELECT id, claimant FROM claims WHERE id = 'none'")
      assert.equal(0, code)
      assert.matches("^id%s+claimant\n", out)
      assert.matches("%(0 rows%)", out)
   end)

   it("--format csv: a header in SELECT order, NULL as an empty field, quoted as RFC 4180", function()
      local db = store()
      local code, out = support.parley("query", db, SQL, "detainees", "--format", "csv")
      assert.equal(0, code)
      local lines = {}
      for l in out:gmatch("([^\r\n]*)\r\n") do lines[#lines + 1] = l end
      assert.equal("id,claimant,count_best,count_exact", lines[1])
      assert.equal("arm-detainees-held-2021-06,ARM,200,", lines[2])
      code, out = support.parley("query", db, "SELECT 'a,\"b' AS x, NULL AS y", "--format=csv")
      assert.equal(0, code)
      assert.equal('x,y\r\n"a,""b",\r\n', out)
   end)

   it("--format json: an object per row, keys in SELECT order, NULL as null, numbers as numbers", function()
      local db = store()
      local code, out = support.parley("query", db, SQL, "detainees", "--format", "json")
      assert.equal(0, code)
      local first = out:match("^([^\n]*)\n")
      assert.equal('{"id":"arm-detainees-held-2021-06","claimant":"ARM","count_best":200,"count_exact":null}', first)
      for l in out:gmatch("[^\n]+") do assert.is_table(json.decode(l)) end
      -- a value that looks like an option is a value
      code, out = support.parley("query", db, "SELECT ? AS n", "-5", "--format", "json")
      assert.equal(0, code)
      assert.equal('{"n":-5}\n', out)
      local err
      code, out, err = support.parley("query", db, "SELECT 1", "--format", "xml")
      assert.equal(3, code)
      assert.equal("", out)
      assert.matches("table, csv or json, not 'xml'", err)
   end)
end)

describe("parley reconcile", function()
   it("--no-store runs and reports without recording a run; store_run = false in Lua", function()
      local db = store()
      local code, out = support.parley("reconcile", CONFIG, "--store", db, "--format", "json")
      assert.equal(0, code, out)
      assert.equal(1, runs(db))
      code, out = support.parley("reconcile", CONFIG, "--store", db, "--no-store", "--format", "json")
      assert.equal(0, code, out)
      assert.equal(1, runs(db))
      local lines = {}
      for l in out:gmatch("[^\n]+") do
         local o = json.decode(l)
         lines[o.type] = lines[o.type] or o
      end
      assert.is_table(lines.run)
      assert.is_nil(lines.run.id)
      -- its history is since the stored run: nothing new
      local history = lines.history
      assert.equal(1, history.previous)
      assert.equal(0, history.new)
      code, out = support.parley("reconcile", CONFIG, "--store", db, "--no-store")
      assert.equal(0, code)
      assert.matches("a run not stored", out, 1, true)
      -- in Lua
      local run = assert(parley.reconcile(CONFIG, { store = db, store_run = false }))
      assert.is_nil(run.id)
      assert.is_true(#run.findings > 0)
      assert.equal(1, runs(db))
      assert.matches("a run not stored", assert(run:report("html")), 1, true)
   end)

   it("writes several formats of one run into --out DIR, and stores one run", function()
      local db = store()
      local dir = support.tmpname("formats")
      os.execute("mkdir -p " .. support.quote(dir))
      local code, out, err = support.parley("reconcile", CONFIG, "--store", db, "--format", "html,csv,sarif,markdown",
         "--out", dir)
      assert.equal(0, code, err)
      assert.equal(1, runs(db))
      assert.equal(table.concat({ dir .. "/report.html", dir .. "/report.csv", dir .. "/report.sarif",
         dir .. "/report.md" }, "\n") .. "\n", out)
      -- the reports of the stored run, re-rendered from the store, are the files
      for format, name in pairs({ html = "report.html", csv = "report.csv", sarif = "report.sarif",
         markdown = "report.md" }) do
         local code2, again = support.parley("report", db, "1", "--format", format)
         assert.equal(0, code2)
         assert.equal(again, support.read(dir .. "/" .. name), format)
      end
      -- several formats need a directory; an unknown one is refused before anything runs
      code, out, err = support.parley("reconcile", CONFIG, "--store", db, "--format", "html,csv")
      assert.equal(3, code)
      assert.equal("", out)
      assert.matches("--out DIR", err, 1, true)
      code, out, err = support.parley("reconcile", CONFIG, "--store", db, "--format", "html,pdf", "--out", dir)
      assert.equal(3, code)
      assert.equal("", out)
      assert.matches("unknown format 'pdf'", err, 1, true)
      assert.equal(1, runs(db))
      -- where the reports go is checked before the run: none is stored that cannot be written
      code, out, err = support.parley("reconcile", CONFIG, "--store", db, "--format", "html,csv", "--out",
         dir .. "/missing")
      assert.equal(2, code)
      assert.equal("", out)
      assert.matches("/missing is not a directory", err, 1, true)
      code, out, err = support.parley("reconcile", CONFIG, "--store", db, "--out", dir .. "/missing/r.txt")
      assert.equal(2, code)
      assert.equal("", out)
      assert.matches("/missing is not a directory", err, 1, true)
      assert.equal(1, runs(db))
   end)
end)

describe("--root", function()
   -- The SARIF report's first physical location: its artifact location.
   local function first_artifact(text)
      for _, r in ipairs(json.decode(text).runs[1].results) do
         local l = r.locations and r.locations[1] and r.locations[1].physicalLocation
         if l then return l.artifactLocation end
      end
   end

   it("gives the datasets' paths relative to DIR in reconcile's and report's SARIF, and must name a directory",
      function()
         local db = support.tmpname("cli-root.db")
         local examples = support.top .. "/examples"
         local code, out = support.parley("reconcile", CONFIG, "--store", db, "--format", "sarif", "--root", examples)
         assert.equal(0, code)
         assert.same({ uri = "caucasus-2021/dataset.yaml", uriBaseId = "%SRCROOT%" }, first_artifact(out))
         -- the stored run, written again: the same paths from the same root, others from another
         code, out = support.parley("report", db, "latest", "--format", "sarif", "--root", examples)
         assert.equal(0, code)
         assert.same({ uri = "caucasus-2021/dataset.yaml", uriBaseId = "%SRCROOT%" }, first_artifact(out))
         code, out = support.parley("report", db, "latest", "--format", "sarif", "--root",
            examples .. "/caucasus-2021")
         assert.equal(0, code)
         assert.same({ uri = "dataset.yaml", uriBaseId = "%SRCROOT%" }, first_artifact(out))
         local err
         code, out, err = support.parley("report", db, "latest", "--format", "sarif", "--root", examples .. "/nowhere")
         assert.equal(3, code)
         assert.equal("", out)
         assert.matches("--root .*/nowhere is not a directory", err)
         code, out, err = support.parley("reconcile", CONFIG, "--store", db, "--root", CONFIG)
         assert.equal(3, code)
         assert.equal("", out)
         assert.matches("is not a directory", err, 1, true)
         assert.equal(1, runs(db))
      end)
end)
