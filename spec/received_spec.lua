-- SPDX-License-Identifier: MIT
-- A store received from someone else is input, not code: parley opens only a store whose
-- schema is exactly the one its own migrations make, and reads it with SQLite's defences on.
local parley = require "parley"
local core = require "parley.core"
local schema = require "parley.schema"
local support = require "support"

local DATASET = {
   parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } },
   sources = { { id = "s1", title = "Statement", party = "ARM" } },
   claims = { { id = "c1", claimant = "ARM", source = "s1", as_of = "2021-06", subject = "detainees",
      holder = "AZE", about = "ARM", count = { best = 200 } } },
}

-- A real store with one claim, then changed behind parley's back through a bare connection.
local function tampered(...)
   local path = support.tmpname("received.db")
   local db = assert(parley.open(path))
   assert(db:import(DATASET))
   db:close()
   local raw = assert(core.connect(path))
   for _, sql in ipairs({ ... }) do assert(raw:exec(sql)) end
   raw:close()
   return path
end

describe("opening a received store", function()
   it("refuses a store with an extra trigger that deletes findings, naming the trigger", function()
      local path = tampered("DROP TRIGGER findings_no_delete",
         "CREATE TRIGGER forget_findings AFTER INSERT ON findings BEGIN DELETE FROM findings WHERE id = NEW.id; END")
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("is not a store parley can trust", err)
      assert.matches("extra trigger forget_findings on parley's table findings", err)
      assert.matches("lacks trigger findings_no_delete", err)
   end)

   it("refuses a store with a trigger that changes a claim's count, and the claim is as imported", function()
      local path = tampered("DROP TRIGGER claims_no_update",
         "CREATE TRIGGER recount AFTER INSERT ON runs BEGIN UPDATE claims SET count_best = 60; END")
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("extra trigger recount on parley's table runs", err)
      local raw = assert(core.connect(path))
      assert.equal(200, raw:first("SELECT count_best FROM claims WHERE id = 'c1'").count_best)
      raw:close()
   end)

   it("names a hostile trigger on one line, its control characters visible and its text cut short", function()
      local path = tampered("CREATE TRIGGER \"t\n[critical] forged\27[2J\" AFTER INSERT ON runs BEGIN SELECT '" ..
         string.rep("x", 1000) .. "'; END")
      local _, err = parley.open(path)
      assert.matches("extra trigger t\\n[critical] forged\\e[2J on parley's table runs", err, 1, true)
      assert.is_nil(err:find("[\n\27]"))
      assert.is_true(#err < 600, #err)
   end)

   it("refuses a trigger of parley's whose text was changed", function()
      local path = tampered("DROP TRIGGER claims_no_delete",
         "CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END")
      local _, err = parley.open(path)
      assert.matches("its trigger claims_no_delete differs from parley's", err)
   end)

   it("refuses an extra index and forged planner statistics", function()
      local path = tampered("CREATE INDEX slow ON claims(text)", "ANALYZE",
         "UPDATE sqlite_stat1 SET stat = '1000000 1000000' WHERE idx = 'slow'")
      local _, err = parley.open(path)
      assert.matches("extra index slow on parley's table claims", err)
      assert.matches("query%-planner statistics %(sqlite_stat1%)", err)
   end)

   it("refuses a view, and a trigger on a table of the user's own unless the store is adopted", function()
      local path = tampered("CREATE TABLE notes (x)", "CREATE VIEW everything AS SELECT * FROM claims",
         "CREATE TRIGGER on_note AFTER INSERT ON notes BEGIN SELECT 1; END")
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("a view everything %(on everything%) that parley did not create", err)
      assert.matches("a trigger on_note %(on notes%)", err)
      db = assert(parley.open(path, { adopt = true }))
      db:close()
   end)

   it("keeps tables of the user's own (an adopted database's), with their indexes", function()
      local path = tampered("CREATE TABLE notes (x UNIQUE)", "CREATE INDEX notes_x ON notes(x)")
      local db = assert(parley.open(path))
      db:close()
   end)

   it("refuses a store whose schema is incomplete: marked as parley's, at the latest version, no tables", function()
      local path = support.tmpname("hollow.db")
      local raw = assert(core.connect(path))
      assert(raw:exec(string.format("PRAGMA application_id = %d", schema.APPLICATION_ID)))
      assert(raw:exec(string.format("PRAGMA user_version = %d", schema.VERSION)))
      raw:close()
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("is incomplete for schema version " .. schema.VERSION ..
         ": it lacks index claims_as_of, index claims_part_of, index claims_subject,", err)
   end)

   it("checks an older store against that version's schema before migrating it", function()
      local path = support.tmpname("old.db")
      local raw = assert(core.connect(path))
      assert(schema.migrate(raw, 0, 2))
      assert(raw:exec("CREATE TRIGGER later AFTER INSERT ON runs BEGIN SELECT 1; END"))
      raw:close()
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("%(schema version 2%): it has an extra trigger later", err)
      raw = assert(core.connect(path))
      assert.equal(2, raw:first("PRAGMA user_version").user_version)
      raw:close()
   end)

   it("opens every connection defensively: no writable schema, schema functions not trusted", function()
      local db = assert(parley.open(support.tmpname("defensive.db")))
      assert.equal(0, db:first("PRAGMA trusted_schema").trusted_schema)
      db:exec("PRAGMA writable_schema = ON")
      local n, err = db:exec("UPDATE sqlite_schema SET sql = '' WHERE name = 'claims'")
      assert.is_nil(n)
      assert.matches("may not be modified", err)
      db:close()
   end)
end)

describe("the temporary store of a \":memory:\" config", function()
   local function mode(path)
      local p = io.popen("stat -c %a " .. support.quote(path) .. " 2>/dev/null")
      local m = p:read("l")
      p:close()
      return m
   end

   it("core.private_dir makes a new directory only its user can enter, each time", function()
      local a, b = assert(core.private_dir()), assert(core.private_dir())
      assert.are_not.equal(a, b)
      assert.equal("700", mode(a))
      assert.equal("directory", core.path_kind(a))
      os.remove(a)
      os.remove(b)
   end)

   it("lives in a private directory, removed with the run", function()
      local dir = support.tmpname("memory-config")
      assert(os.execute("mkdir -p " .. support.quote(dir)))
      support.write(dir .. "/data.yaml", require("parley.json").encode(DATASET))
      local config = support.write(dir .. "/parley.yaml",
         "parley: 1\nstore: \":memory:\"\ndata: [data.yaml]\nrules:\n  - use: count_gap\n")
      local run = assert(parley.reconcile(config))
      local store_dir = assert(run.temporary):match("^(.*)/[^/]+$")
      assert.matches("/parley%-%w+$", store_dir)
      assert.equal("700", mode(store_dir))
      assert.equal("file", core.path_kind(run.temporary))
      run = nil -- luacheck: ignore 311
      collectgarbage()
      collectgarbage()
      assert.is_nil(core.path_kind(store_dir))
   end)
end)
