-- SPDX-License-Identifier: MIT
-- What a store is, and how an older one is brought up to date.
local parley = require "parley"
local core = require "parley.core"
local record_schema = require "parley.record_schema"
local schema = require "parley.schema"
local support = require "support"
local vocab = require "parley.vocab"

local function raw(path)
   return assert(core.connect(path))
end

describe("the store schema", function()
   it("turns an empty file into a new store", function()
      local path = support.write(support.tmpname("empty.db"), "")
      local db = assert(parley.open(path))
      assert.equal(schema.VERSION, db:first("PRAGMA user_version").user_version)
      assert.equal(schema.APPLICATION_ID, db:first("PRAGMA application_id").application_id)
      db:close()
   end)

   it("migrates a store written at an older schema version, keeping its data", function()
      local path = support.tmpname("old.db")
      local old = raw(path)
      assert(schema.migrate(old, 0, 1))
      assert(old:exec("INSERT INTO parties (id, name) VALUES ('ARM', 'Armenia')"))
      assert.equal(1, old:first("PRAGMA user_version").user_version)
      assert.is_nil(old:first("SELECT name FROM sqlite_schema WHERE name = 'findings'"))
      old:close()

      local db = assert(parley.open(path))
      assert.equal(schema.VERSION, db:first("PRAGMA user_version").user_version)
      assert.is_table(db:first("SELECT name FROM sqlite_schema WHERE name = 'findings'"))
      local parties = {}
      for p in db:parties() do parties[#parties + 1] = p end
      assert.same({ { id = "ARM", name = "Armenia" } }, parties)
      -- and the migration added the append-only guard to data written before it
      local n, err = db:exec("DELETE FROM parties")
      assert.is_nil(n)
      assert.matches("parties are never changed or removed", err)
      db:close()
   end)

   it("brings a version 4 store to 5: part_of on claims and the vocabularies, append-only", function()
      local path = support.tmpname("v4.db")
      local old = raw(path)
      assert(schema.migrate(old, 0, 4))
      old:close()
      local db = assert(parley.open(path))
      assert(db:import({ vocabulary = { scopes = { volunteer_units = {} } },
         parties = { { id = "ARM", name = "Armenia" } }, sources = { { id = "s", title = "S" } },
         claims = { { id = "t", claimant = "ARM", source = "s", as_of = "2021", subject = "detainees",
            count = { exact = 5 } }, { id = "p", claimant = "ARM", source = "s", as_of = "2021",
            subject = "detainees", count = { exact = 2 }, scope = { "volunteer_units" }, part_of = "t" } } }))
      assert.equal("t", db:first("SELECT part_of FROM claims WHERE id = 'p'").part_of)
      local n, err = db:exec("DELETE FROM vocabularies")
      assert.is_nil(n)
      assert.matches("vocabularies are never changed or removed", err)
      db:close()
   end)

   it("brings a version 9 store to 10: the indexes the readers' orders and the early references need", function()
      local path = support.tmpname("v9.db")
      local old = raw(path)
      assert(schema.migrate(old, 0, 9))
      assert(old:exec("INSERT INTO parties (id, name) VALUES ('ARM', 'Armenia')"))
      old:close()
      local db = assert(parley.open(path))
      assert.equal(10, db:first("PRAGMA user_version").user_version)
      local indexes = {}
      for row in db:query("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' " ..
         "AND name NOT LIKE 'sqlite_%'") do
         indexes[row.name] = row.tbl_name
      end
      for name, tbl in pairs({ claims_as_of = "claims", lists_as_of = "lists", exchanges_date = "exchanges",
         identities_decided = "identities", identities_supersedes = "identities", claims_part_of = "claims",
         sources_via = "sources", lists_exchange = "lists" }) do
         assert.equal(tbl, indexes[name], name)
      end
      assert.equal("Armenia", db:first("SELECT name FROM parties WHERE id = 'ARM'").name)
      db:close()
   end)

   it("reads records in the readers' orders through an index, not a sort of every row", function()
      local db = assert(parley.open(":memory:"))
      local function plan(sql)
         local out = {}
         for row in db:query("EXPLAIN QUERY PLAN " .. sql) do out[#out + 1] = row.detail end
         return table.concat(out, "\n")
      end
      for sql, index in pairs({
         ["SELECT * FROM claims ORDER BY as_of_start, id"] = "claims_as_of",
         ["SELECT * FROM lists ORDER BY as_of_start, id"] = "lists_as_of",
         ["SELECT * FROM exchanges ORDER BY date_start, id"] = "exchanges_date",
         ["SELECT * FROM identities ORDER BY decided_on_start, id"] = "identities_decided",
      }) do
         local p = plan(sql)
         assert.matches("USING INDEX " .. index, p, nil, true)
         assert.is_nil(p:find("TEMP B-TREE", 1, true), sql)
      end
      -- the readers' current filter: a search of the later decisions, not a scan of them all
      local p = plan("SELECT * FROM identities WHERE NOT EXISTS (SELECT 1 FROM identities AS later " ..
         "WHERE later.supersedes = identities.id)")
      assert.matches("identities_supersedes", p, nil, true)
      db:close()
   end)

   it("refuses a store from a newer parley", function()
      local path = support.tmpname("newer.db")
      local db = assert(parley.open(path))
      db:exec(string.format("PRAGMA user_version = %d", schema.VERSION + 1))
      db:close()
      local again, err = parley.open(path)
      assert.is_nil(again)
      assert.matches("was written by a newer parley %(schema version " .. (schema.VERSION + 1), err)
   end)

   it("refuses a database with other tables, naming them", function()
      local path = support.tmpname("other.db")
      local other = raw(path)
      other:exec("CREATE TABLE customers (id INTEGER)")
      other:close()
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("is not a parley store: it has other tables %(customers%)", err)
      assert.matches("adopt = true", err)
      -- and it left the database as it was
      other = raw(path)
      assert.equal(0, other:first("PRAGMA user_version").user_version)
      assert.is_nil(other:first("SELECT name FROM sqlite_schema WHERE name = 'claims'"))
      other:close()
   end)

   it("adds its tables to another database when asked to adopt it", function()
      local path = support.tmpname("adopt.db")
      local other = raw(path)
      other:exec("CREATE TABLE customers (id INTEGER)")
      other:exec("INSERT INTO customers VALUES (42)")
      other:close()
      local db = assert(parley.open(path, { adopt = true }))
      assert.equal(42, db:first("SELECT id FROM customers").id)
      assert.equal(0, db:first("SELECT count(*) AS n FROM claims").n)
      db:close()
      -- from then on it is a parley store
      db = assert(parley.open(path))
      db:close()
   end)

   it("refuses to adopt a database whose table names clash with parley's", function()
      local path = support.tmpname("clash.db")
      local other = raw(path)
      other:exec("CREATE TABLE claims (x)")
      other:close()
      local db, err = parley.open(path, { adopt = true })
      assert.is_nil(db)
      assert.matches("already has a table named claims", err)
   end)

   it("refuses a file that is not a database at all", function()
      local path = support.write(support.tmpname("text.db"), string.rep("not sqlite\n", 200))
      local db, err = parley.open(path)
      assert.is_nil(db)
      assert.matches("file is not a database", err)
      assert.equal(string.rep("not sqlite\n", 200), support.read(path))
   end)

   it("asks for a read-write open when a read-only store needs migrating", function()
      local path = support.tmpname("ro-old.db")
      local old = raw(path)
      assert(schema.migrate(old, 0, 1))
      old:close()
      local db, err = parley.open(path, { readonly = true })
      assert.is_nil(db)
      assert.matches("needs migrating to " .. schema.VERSION .. ": open it once without readonly", err)
   end)

   it("never lets an imported record be changed or removed, even through db:exec", function()
      local db = assert(parley.open(":memory:"))
      assert(db:import({ parties = { { id = "ARM", name = "Armenia" } } }))
      for _, sql in ipairs({ "UPDATE parties SET name = 'x'", "DELETE FROM parties", "DELETE FROM imports",
         "UPDATE records SET digest = ''" }) do
         local n, err = db:exec(sql)
         assert.is_nil(n)
         assert.matches("never changed or removed", err)
      end
      assert.equal("Armenia", db:first("SELECT name FROM parties").name)
      db:close()
   end)

   describe("agrees with the record description (parley.record_schema)", function()
      local db
      before_each(function() db = assert(parley.open(":memory:")) end)
      after_each(function() db:close() end)

      local function sorted(list, key)
         table.sort(list, function(a, b) return a[key] < b[key] end)
         return list
      end

      it("column for column: name, type, NOT NULL, primary key and default, for every table", function()
         local n = 0
         for name, t in pairs(record_schema.tables) do
            local described, stored = {}, {}
            for _, c in ipairs(t.columns) do
               described[#described + 1] = { name = c.name, type = c.type, notnull = c.not_null and 1 or 0,
                  pk = c.pk or 0, default = c.default }
            end
            for c in db:query("SELECT * FROM pragma_table_info(?)", name) do
               stored[#stored + 1] = { name = c.name, type = c.type, notnull = c.notnull, pk = c.pk,
                  default = c.dflt_value }
            end
            assert.is_true(#stored > 0, "no table " .. name)
            assert.same(sorted(stored, "name"), sorted(described, "name"), name)
            n = n + 1
         end
         -- the seven record kinds and their child rows
         assert.equal(13, n)
      end)

      it("reference for reference: each foreign key is a described reference", function()
         for name, t in pairs(record_schema.tables) do
            local described, stored = {}, {}
            for _, c in ipairs(t.columns) do
               if c.references then described[#described + 1] = { from = c.name, table = c.references } end
            end
            for fk in db:query("SELECT * FROM pragma_foreign_key_list(?)", name) do
               stored[#stored + 1] = { from = fk.from, table = fk.table }
            end
            assert.same(sorted(stored, "from"), sorted(described, "from"), name)
         end
      end)

      it("each record kind has a table and an INSERT of every column it writes", function()
         for _, kind in ipairs(vocab.RECORD_KINDS) do
            local t = assert(record_schema.kinds[kind], kind)
            assert.matches("^INSERT INTO " .. t.name .. " %(id, ", t.insert)
         end
      end)
   end)

   it("lets findings have exactly the severities of parley.vocab", function()
      local db = assert(parley.open(":memory:"))
      local sql = db:first("SELECT sql FROM sqlite_schema WHERE name = 'findings'").sql
      db:close()
      local listed = assert(sql:match("CHECK %(severity IN %(([^)]*)%)%)"), "no severity CHECK")
      local severities = {}
      for s in listed:gmatch("'(%w+)'") do severities[#severities + 1] = s end
      assert.same(vocab.SEVERITIES, severities)
   end)
end)
