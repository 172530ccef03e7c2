-- SPDX-License-Identifier: MIT
-- A transaction either happened or raised: a BEGIN or COMMIT that fails is an error, never a
-- value a caller under pcall can mistake for success. The end-to-end cases inject a real
-- commit failure with a file-size limit (the disk is full for this process only).
local parley = require "parley"
local support = require "support"
local gen = dofile(support.top .. "/bench/gen.lua")

local quote = support.quote

-- A store with a table whose foreign key is checked at COMMIT, as parley's references are.
local function deferred_store()
   local db = assert(parley.open(":memory:"))
   assert(db:exec([[
      CREATE TABLE parent (id TEXT PRIMARY KEY);
      CREATE TABLE child (id TEXT PRIMARY KEY,
         parent TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)]]))
   return db
end

describe("db:transaction", function()
   it("raises when the COMMIT fails, and rolls back what fn wrote", function()
      local db = deferred_store()
      local ok, err = pcall(db.transaction, db, function()
         assert(db:exec("INSERT INTO child VALUES ('c', 'nobody')"))
      end)
      assert.is_false(ok)
      assert.equal("FOREIGN KEY constraint failed (in: COMMIT)", err)
      assert.equal(0, db:first("SELECT count(*) AS n FROM child").n)
      assert.is_false(db:in_transaction())
      db:close()
   end)

   it("raises when BEGIN fails because another connection holds the store", function()
      local path = support.tmpname("locked.db")
      local holder = assert(parley.open(path))
      local other = assert(parley.open(path, { busy_timeout_ms = 10 }))
      local ran = false
      holder:transaction(function()
         assert(holder:exec("INSERT INTO parties (id, name) VALUES ('X', 'X')"))
         local ok, err = pcall(other.transaction, other, function() ran = true end)
         assert.is_false(ok)
         assert.matches("database is locked %(in: BEGIN IMMEDIATE%)", err)
      end)
      assert.is_false(ran)
      other:close()
      holder:close()
   end)
end)

describe("a full disk", function()
   local dir, dataset, config

   setup(function()
      dir = support.tmpname("full")
      assert(os.execute("mkdir -p " .. quote(dir)))
      local data = gen(60, 1)
      dataset = support.write(dir .. "/big.yaml", parley.yaml.dump(data))
      config = support.write(dir .. "/parley.yaml", "parley: 1\nstore: x.db\ndata: [big.yaml]\nrules:\n" ..
         "  - use: count_gap\n  - use: list_overlap\n  - use: map_completeness\n  - use: corroboration\n")
   end)

   -- Runs bin/parley with its files limited to `blocks` 512-byte blocks (SIGXFSZ ignored, so a
   -- write past the limit fails as it does on a full disk).
   local function limited(blocks, ...)
      local args = {}
      for i, a in ipairs({ ... }) do args[i] = quote(a) end
      return support.sh(string.format("cd %s && ulimit -f %d && trap '' XFSZ && exec %s/bin/parley %s", quote(dir),
         blocks, support.top, table.concat(args, " ")))
   end

   before_each(function()
      for _, s in ipairs({ "", "-wal", "-shm" }) do os.remove(dir .. "/x.db" .. s) end
   end)

   it("makes reconcile fail with exit 2 and say why, and no run is claimed or stored", function()
      local code, out = support.parley("import", dir .. "/x.db", dataset)
      assert.equal(0, code, out)
      code, out = limited(64, "reconcile", config)
      assert.equal(2, code, out)
      assert.matches("cannot store the run: [^\n]*%(in: COMMIT%)", out)
      assert.not_matches("run %d+:", out)
      local db = assert(parley.open(dir .. "/x.db", { readonly = true }))
      assert.equal(0, db:first("SELECT count(*) AS n FROM runs").n)
      db:close()
   end)

   it("makes an import fail with a message, and the store keeps what it had", function()
      local code, out = support.parley("import", dir .. "/x.db", support.top .. "/examples/caucasus-2021/dataset.yaml")
      assert.equal(0, code, out)
      code, out = limited(64, "import", "x.db", "big.yaml")
      assert.equal(3, code, out)
      assert.matches("import failed, nothing was written", out)
      local db = assert(parley.open(dir .. "/x.db", { readonly = true }))
      assert.equal(1, db:first("SELECT count(*) AS n FROM imports").n)
      assert.equal(6, db:first("SELECT count(*) AS n FROM claims").n)
      db:close()
   end)
end)
