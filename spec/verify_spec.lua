-- SPDX-License-Identifier: MIT
-- parley verify DB: a received store is checked from its own content before it is trusted.
-- Each case writes a real store with parley, changes it behind parley's back with a bare
-- SQLite connection, and expects verify to name the change and exit 3.
local parley = require "parley"
local core = require "parley.core"
local verify = require "parley.verify"
local support = require "support"
local gen = dofile(support.top .. "/bench/gen.lua")

local function fresh_store()
   local path = support.tmpname("verify.db")
   local db = assert(parley.open(path))
   assert(db:import(gen(20, 7)))
   assert(db:import({ parties = { { id = "ZZZ", name = "Elsewhere" } },
      claims = { { id = "c-verify", claimant = "ZZZ", source = db:first("SELECT id FROM sources").id,
         as_of = "2021-06", subject = "detainees", holder = "ZZZ", about = "ZZZ", count = { best = 200 } } } }))
   db:close()
   return path
end

-- Runs SQL on a bare connection (guards lifted as an attacker would, then put back).
local function tamper(path, ...)
   local raw = assert(core.connect(path))
   for _, sql in ipairs({ ... }) do assert(raw:exec(sql)) end
   raw:close()
end

local function guard_sql(path, name)
   local raw = assert(core.connect(path, { readonly = true }))
   local sql = raw:first("SELECT sql FROM sqlite_schema WHERE name = ?", name).sql
   raw:close()
   return sql
end

local function problems_of(path)
   local r = assert(verify.store(path))
   local out = {}
   for _, p in ipairs(r.problems) do out[#out + 1] = p.check .. ": " .. p.message end
   return table.concat(out, "\n"), r
end

describe("parley verify", function()
   it("passes a store as parley wrote it, runs included, and exits 0", function()
      local path = fresh_store()
      assert(parley.reconcile({ parley = 1, store = path,
         rules = { { use = "count_gap" }, { use = "list_overlap" } } }))
      local code, out, err = support.parley("verify", path)
      assert.equal(0, code, out .. err)
      for _, check in ipairs({ "schema", "integrity", "append%-only", "records", "imports", "findings" }) do
         assert.matches("ok +" .. check .. ": ", out)
      end
      assert.matches("records: %d+ records, each digest re%-computed", out)
      assert.matches("verified: ", out)
   end)

   it("finds a claim whose count was changed with its guard lifted and put back (the schema looks intact)", function()
      local path = fresh_store()
      local guard = guard_sql(path, "claims_no_update")
      tamper(path, "DROP TRIGGER claims_no_update", "UPDATE claims SET count_best = 60 WHERE id = 'c-verify'", guard)
      assert(parley.open(path)):close() -- the schema is parley's again: opening cannot tell
      local text = problems_of(path)
      assert.matches("records: claims c%-verify differs from what was imported", text)
      local code, out, err = support.parley("verify", path)
      assert.equal(3, code)
      assert.matches("problem  records: claims c%-verify differs", out)
      assert.matches("failed verification: 1 problem", err)
   end)

   it("finds a deleted record, a row that was never imported and an import whose counts lie", function()
      local path = fresh_store()
      local del, upd = guard_sql(path, "claims_no_delete"), guard_sql(path, "imports_no_update")
      tamper(path, "DROP TRIGGER claims_no_delete", "DELETE FROM claims WHERE id = 'c-verify'", del,
         "INSERT INTO parties (id, name) VALUES ('NEW', 'Smuggled')",
         "DROP TRIGGER imports_no_update", "UPDATE imports SET counts = '{\"parties\":5}' WHERE id = 2", upd)
      local text = problems_of(path)
      assert.matches("claims c%-verify was imported but its row is gone from claims", text)
      assert.matches("parties NEW is in the table parties but was never imported", text)
      assert.matches("import 2 %([^)]*%) added 5 parties, and the store holds 1 of them", text)
   end)

   it("finds a finding whose evidence was changed, and one removed, after the run", function()
      local path = fresh_store()
      assert(parley.reconcile({ parley = 1, store = path, rules = { { use = "count_gap" } } }))
      local upd, del = guard_sql(path, "findings_no_update"), guard_sql(path, "findings_no_delete")
      local raw = assert(core.connect(path, { readonly = true }))
      local n = raw:first("SELECT count(*) AS n FROM findings").n
      raw:close()
      assert.is_true(n >= 2, "count_gap found " .. n)
      tamper(path, "DROP TRIGGER findings_no_update", "DROP TRIGGER findings_no_delete",
         "UPDATE findings SET evidence = '{\"claims\":[\"c-verify\"]}' WHERE id = 1",
         "DELETE FROM findings WHERE id = 2", upd, del)
      local text = problems_of(path)
      assert.matches("findings: finding 1 of run 1 %(count_gap%): its fingerprint does not match", text)
      assert.matches("findings: run 1, rule count_gap reported " .. n .. " findings and the store holds " .. (n - 1),
         text)
   end)

   it("names an extra trigger and a missing guard", function()
      local path = fresh_store()
      tamper(path, "DROP TRIGGER findings_no_delete",
         "CREATE TRIGGER slow AFTER INSERT ON findings BEGIN SELECT count(*) FROM claims a, claims b; END")
      local text = problems_of(path)
      assert.matches("schema: it has an extra trigger slow on parley's table findings", text)
      assert.matches("append%-only: the guard findings_no_delete is missing", text)
   end)

   it("names the tables of the user's own that it leaves alone", function()
      local path = fresh_store()
      tamper(path, "CREATE TABLE notes (x)")
      local code, out = support.parley("verify", path)
      assert.equal(0, code, out)
      assert.matches("ok +schema: version %d+, exactly as parley's migrations make it; it also holds tables parley " ..
         "does not know, left alone: notes", out)
   end)

   it("exits 3 on a file that is no parley store, saying why", function()
      local path = support.write(support.tmpname("not.db"), "")
      local code, out = support.parley("verify", path)
      assert.equal(3, code)
      assert.matches("not marked as a parley store", out)
      code = support.parley("verify")
      assert.equal(3, code)
   end)
end)
