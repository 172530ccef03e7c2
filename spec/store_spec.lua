-- SPDX-License-Identifier: MIT
-- The SQLite connection: opening, closing, queries, writes, parameters, transactions.
local parley = require "parley"
local support = require "support"

describe("parley.open", function()
   it("creates a new store at a new path, with WAL journal and foreign keys on", function()
      local path = support.tmpname("new.db")
      local db = assert(parley.open(path))
      assert.equal("wal", db:first("PRAGMA journal_mode").journal_mode)
      assert.equal(1, db:first("PRAGMA foreign_keys").foreign_keys)
      assert.equal(parley.schema_version, db:first("PRAGMA user_version").user_version)
      db:close()
   end)

   it("accepts :memory:", function()
      local db = assert(parley.open(":memory:"))
      assert.equal(0, db:first("SELECT count(*) AS n FROM claims").n)
      db:close()
   end)

   it("returns nil and a message when the store cannot be opened", function()
      local db, err = parley.open("/nonexistent-dir/x/y.db")
      assert.is_nil(db)
      assert.matches("cannot open store /nonexistent%-dir/x/y.db", err)
   end)

   it("raises on a wrong argument type", function()
      assert.has_error(function() parley.open(42) end, "bad argument #1 to 'open' (path string expected, got number)")
      assert.has_error(function() parley.open(":memory:", "ro") end)
   end)

   it("sets the busy timeout from opts.busy_timeout_ms", function()
      local db = assert(parley.open(":memory:", { busy_timeout_ms = 1234 }))
      assert.equal(1234, db:first("PRAGMA busy_timeout").timeout)
      db:close()
      local dflt = assert(parley.open(":memory:"))
      assert.equal(5000, dflt:first("PRAGMA busy_timeout").timeout)
      dflt:close()
      assert.has_error(function() parley.open(":memory:", { busy_timeout_ms = -1 }) end)
   end)
end)

describe("db:close", function()
   it("is idempotent and shows in tostring", function()
      local db = assert(parley.open(":memory:"))
      assert.matches("parley store :memory: %(open%)", tostring(db))
      assert.is_true(db:close())
      assert.is_true(db:close())
      assert.matches("parley store :memory: %(closed%)", tostring(db))
      assert.is_false(db:isopen())
   end)

   it("makes any later use raise a clear error rather than crash", function()
      local db = assert(parley.open(":memory:"))
      db:close()
      assert.has_error(function() db:exec("SELECT 1") end, "store :memory: is closed")
      assert.has_error(function() db:query("SELECT 1") end, "store :memory: is closed")
      assert.has_error(function() db:transaction(function() end) end, "store :memory: is closed")
      assert.has_error(function() for _ in db:claims() do end end)
   end)

   it("finalizes statements of unfinished queries first", function()
      local db = assert(parley.open(":memory:"))
      db:exec("CREATE TABLE t (x)")
      for i = 1, 5 do db:exec("INSERT INTO t VALUES (?)", i) end
      local it, cursor = db:query("SELECT x FROM t")
      assert.equal(1, it(cursor).x)
      assert.is_true(db:close())
      assert.has_error(function() it(cursor) end, "store was closed while a query was iterating")
      assert.is_nil(it(cursor))
   end)

   it("closes at the end of a to-be-closed variable", function()
      local kept
      do
         local db <close> = assert(parley.open(":memory:"))
         kept = db
         assert.is_true(kept:isopen())
      end
      assert.is_false(kept:isopen())
   end)

   it("closes when the handle is collected", function()
      local path = support.tmpname("gc.db")
      do
         local db = assert(parley.open(path))
         db:exec("CREATE TABLE t (x)")
      end
      collectgarbage()
      collectgarbage()
      -- a second connection can take the write lock at once: nothing holds it
      local db = assert(parley.open(path, { busy_timeout_ms = 0 }))
      assert.equal(1, db:exec("INSERT INTO t VALUES (1)"))
      db:close()
   end)
end)

describe("db:query", function()
   local db
   before_each(function()
      db = assert(parley.open(":memory:"))
      db:exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
   end)
   after_each(function() db:close() end)

   it("iterates rows keyed by column name", function()
      db:exec("INSERT INTO t (i, s) VALUES (1, 'a'), (2, 'b')")
      local seen = {}
      for row in db:query("SELECT i, s FROM t ORDER BY i") do seen[#seen + 1] = row.s .. row.i end
      assert.same({ "a1", "b2" }, seen)
   end)

   it("keeps 64-bit integers as Lua integers both ways", function()
      for _, v in ipairs({ math.maxinteger, math.mininteger, 0, -1, 2 ^ 53 + 1 | 0 }) do
         db:exec("DELETE FROM t")
         db:exec("INSERT INTO t (i) VALUES (?)", v)
         local row = db:first("SELECT i, typeof(i) AS ty FROM t")
         assert.equal("integer", math.type(row.i))
         assert.equal(v, row.i)
         assert.equal("integer", row.ty)
      end
   end)

   it("keeps floats as floats", function()
      db:exec("INSERT INTO t (r, n) VALUES (?, ?)", 2.0, 0.1)
      local row = db:first("SELECT r, n, typeof(n) AS ty FROM t")
      assert.equal("float", math.type(row.r))
      assert.equal(2.0, row.r)
      assert.equal(0.1, row.n)
      assert.equal("real", row.ty)
   end)

   it("reads NULL as nil, and binds nil and parley.null as NULL", function()
      db:exec("INSERT INTO t (i, s, n) VALUES (?, ?, ?)", 1, nil, parley.null)
      local row = db:first("SELECT i, s, n, s IS NULL AS s_null, n IS NULL AS n_null FROM t")
      assert.is_nil(row.s)
      assert.is_nil(row.n)
      assert.equal(1, row.s_null)
      assert.equal(1, row.n_null)
   end)

   it("keeps strings with NUL bytes whole", function()
      local s = "a\0b\0\0c"
      db:exec("INSERT INTO t (s) VALUES (?)", s)
      local row = db:first("SELECT s, length(CAST(s AS BLOB)) AS len FROM t")
      assert.equal(s, row.s)
      assert.equal(#s, row.len)
   end)

   it("round-trips blobs, bound with parley.blob", function()
      local bytes = {}
      for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
      local blob = table.concat(bytes)
      db:exec("INSERT INTO t (b) VALUES (?)", parley.blob(blob))
      local row = db:first("SELECT b, typeof(b) AS ty FROM t")
      assert.equal(blob, row.b)
      assert.equal("blob", row.ty)
   end)

   it("binds booleans as 1 and 0", function()
      db:exec("INSERT INTO t (i, n) VALUES (?, ?)", true, false)
      local row = db:first("SELECT i, n FROM t")
      assert.equal(1, row.i)
      assert.equal(0, row.n)
   end)

   it("binds by name from a table, with :name, @name and $name", function()
      db:exec("INSERT INTO t (i, s, r) VALUES (:i, @s, $r)", { i = 7, s = "seven", r = 7.5 })
      local row = db:first("SELECT * FROM t WHERE i = :i", { i = 7 })
      assert.same({ i = 7, s = "seven", r = 7.5 }, row)
   end)

   it("binds ? parameters from the array part of a single table", function()
      db:exec("INSERT INTO t (i, s) VALUES (?, ?)", { 3, "three" })
      db:exec("INSERT INTO t (i, s) VALUES (?2, ?1)", { "four", 4 })
      local got = {}
      for row in db:query("SELECT i, s FROM t ORDER BY i") do got[#got + 1] = row.s end
      assert.same({ "three", "four" }, got)
   end)

   it("raises when the number of values does not match the parameters", function()
      assert.has_error(function() db:exec("INSERT INTO t (i) VALUES (?)", 1, 2) end,
         "SQL statement has 1 parameter, 2 values given")
      assert.has_error(function() db:query("SELECT ?, ?", 1) end, "SQL statement has 2 parameters, 1 value given")
   end)

   it("raises on a value that cannot be bound", function()
      assert.has_error(function() db:exec("INSERT INTO t (i, s) VALUES (?, ?)", 1, {}) end,
         "bad argument #3 to 'exec' (cannot bind a table to SQL parameter 2)")
      assert.has_error(function() db:exec("INSERT INTO t (i, s) VALUES (?, ?)", 1, print) end)
      assert.has_error(function() db:exec("INSERT INTO t (i) VALUES (:i)", { i = {} }) end)
   end)

   it("raises SQLite's message with the SQL on an SQL error, in a for loop too", function()
      local ok, err = pcall(function()
         for _ in db:query("SELEC i FROM t") do end
      end)
      assert.is_false(ok)
      assert.equal('near "SELEC": syntax error (in: SELEC i FROM t)', err)
      assert.has_error(function() db:query("SELECT nope FROM t") end, "no such column: nope (in: SELECT nope FROM t)")
   end)

   it("raises a failure of a later step of the loop too (the statement is given back)", function()
      db:exec("INSERT INTO t (i) VALUES (1)")
      local ok, err = pcall(function()
         for _ in db:query("SELECT abs(-9223372036854775807 - i) FROM t") do end
      end)
      assert.is_false(ok)
      assert.matches("integer overflow", err)
      assert.equal(1, db:first("SELECT count(*) AS n FROM t").n)
   end)

   it("releases the statement at once when the loop breaks", function()
      for i = 1, 10 do db:exec("INSERT INTO t (i) VALUES (?)", i) end
      for _ = 1, 3 do
         for row in db:query("SELECT i FROM t ORDER BY i") do
            if row.i == 2 then break end
         end
      end
      -- the cached statement was given back, so the same query reuses it
      local before = db:stats().prepares
      for row in db:query("SELECT i FROM t ORDER BY i") do
         if row.i == 2 then break end
      end
      assert.equal(before, db:stats().prepares)
      -- and no statement is left running: the database can be changed in a new transaction
      assert.is_false(db:in_transaction())
   end)

   it("allows nested queries on the same SQL", function()
      for i = 1, 3 do db:exec("INSERT INTO t (i) VALUES (?)", i) end
      local pairs_seen = 0
      for a in db:query("SELECT i FROM t") do
         for b in db:query("SELECT i FROM t") do
            if a.i ~= b.i then pairs_seen = pairs_seen + 1 end
         end
      end
      assert.equal(6, pairs_seen)
   end)

   it("raises an error that happens while stepping", function()
      db:exec("INSERT INTO t (s) VALUES ('x')")
      assert.has_error(function()
         for _ in db:query("SELECT abs(-9223372036854775807 - 1) FROM t") do end
      end, "integer overflow (in: SELECT abs(-9223372036854775807 - 1) FROM t)")
   end)

   it("refuses a script of several statements", function()
      assert.has_error(function() db:query("SELECT 1; SELECT 2") end,
         "a query takes one SQL statement; use db:exec for scripts")
   end)
end)

describe("db:rows", function()
   it("iterates rows as values, in column order, NULL as nil", function()
      local db = assert(parley.open(":memory:"))
      db:exec("CREATE TABLE t (a, b, c)")
      db:exec("INSERT INTO t VALUES (1, NULL, 'x'), (2, 2.5, NULL)")
      local got = {}
      for a, b, c in db:rows("SELECT a, b, c FROM t WHERE a >= ? ORDER BY a", 1) do
         got[#got + 1] = { a, b, c }
      end
      assert.same({ { 1, nil, "x" }, { 2, 2.5, nil } }, got)
      assert.has_error(function() db:rows("SELECT nope") end)
      local ok, err = pcall(db.rows, db, "SELECT nope")
      assert.is_false(ok)
      assert.matches("no such column: nope %(in: SELECT nope%)", err)
      db:close()
   end)
end)

describe("the row readers", function()
   it("read every storage class alike through db:query, db:rows and db:first", function()
      local db = assert(parley.open(":memory:"))
      db:exec("CREATE TABLE t (k INTEGER, i, r, s, e, b, z, n)")
      db:exec("INSERT INTO t VALUES (1, ?, ?, ?, '', ?, x'', NULL)", math.mininteger, -0.5, "a\0b",
         parley.blob("\0\255"))
      local want = { k = 1, i = math.mininteger, r = -0.5, s = "a\0b", e = "", b = "\0\255", z = "" }
      local sql = "SELECT k, i, r, s, e, b, z, n FROM t"
      local rows = {}
      for row in db:query(sql) do rows[#rows + 1] = row end
      assert.same({ want }, rows)
      assert.same(want, db:first(sql))
      local values = {}
      for k, i, r, s, e, b, z, n in db:rows(sql) do values[#values + 1] = { k, i, r, s, e, b, z, n } end
      assert.same({ { 1, math.mininteger, -0.5, "a\0b", "", "\0\255", "", nil } }, values)
      assert.equal("integer", math.type(rows[1].i))
      assert.equal("float", math.type(rows[1].r))
      db:close()
   end)
end)

describe("db:exec", function()
   local db
   before_each(function()
      db = assert(parley.open(":memory:"))
      db:exec("CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT NOT NULL)")
   end)
   after_each(function() db:close() end)

   it("returns the number of rows changed", function()
      assert.equal(1, db:exec("INSERT INTO t (y) VALUES (?)", "a"))
      assert.equal(1, db:exec("INSERT INTO t (y) VALUES (?)", "b"))
      assert.equal(2, db:exec("UPDATE t SET y = y || '!'"))
      assert.equal(0, db:exec("UPDATE t SET y = 'z' WHERE x > 100"))
   end)

   it("runs a script of several statements without parameters", function()
      assert.equal(2, db:exec("INSERT INTO t (y) VALUES ('a'); INSERT INTO t (y) VALUES ('b');"))
      assert.equal(2, db:first("SELECT count(*) AS n FROM t").n)
   end)

   it("returns nil and a message naming the constraint and the SQL", function()
      local n, err = db:exec("INSERT INTO t (y) VALUES (?)", nil)
      assert.is_nil(n)
      assert.equal("NOT NULL constraint failed: t.y (in: INSERT INTO t (y) VALUES (?))", err)
      -- the statement is usable again afterwards
      assert.equal(1, db:exec("INSERT INTO t (y) VALUES (?)", "ok"))
   end)

   it("does not prepare the same SQL again in a loop", function()
      local before = db:stats().prepares
      for i = 1, 100 do db:exec("INSERT INTO t (y) VALUES (?)", tostring(i)) end
      assert.equal(before + 1, db:stats().prepares)
   end)

   it("keeps a bounded cache of statements", function()
      local size = db:stats().cache_size
      for i = 1, size * 3 do db:exec("SELECT " .. i) end
      assert.equal(size, db:stats().cached)
   end)

   it("treats blank SQL as doing nothing", function()
      assert.equal(0, db:exec("  -- only a comment\n"))
   end)
end)

describe("db:transaction", function()
   local db
   before_each(function()
      db = assert(parley.open(":memory:"))
      db:exec("CREATE TABLE t (x)")
   end)
   after_each(function() db:close() end)

   local function count() return db:first("SELECT count(*) AS n FROM t").n end

   it("commits and returns true with the function's results", function()
      local ok, a, b = db:transaction(function(p)
         db:exec("INSERT INTO t VALUES (?)", p)
         return "a", "b"
      end, 1)
      assert.same({ true, "a", "b" }, { ok, a, b })
      assert.equal(1, count())
      assert.is_false(db:in_transaction())
   end)

   it("rolls back and re-raises the original error object", function()
      local token = setmetatable({}, { __tostring = function() return "token" end })
      local ok, err = pcall(db.transaction, db, function()
         db:exec("INSERT INTO t VALUES (1)")
         error(token)
      end)
      assert.is_false(ok)
      assert.equal(token, err)
      assert.equal(0, count())
      assert.is_false(db:in_transaction())
   end)

   it("uses savepoints when nested, so an inner failure undoes only the inner work", function()
      db:transaction(function()
         db:exec("INSERT INTO t VALUES (1)")
         local ok = pcall(db.transaction, db, function()
            db:exec("INSERT INTO t VALUES (2)")
            error("inner")
         end)
         assert.is_false(ok)
         db:transaction(function() db:exec("INSERT INTO t VALUES (3)") end)
      end)
      local xs = {}
      for row in db:query("SELECT x FROM t ORDER BY x") do xs[#xs + 1] = row.x end
      assert.same({ 1, 3 }, xs)
   end)

   it("rolls back everything when the outer function fails after an inner commit", function()
      pcall(db.transaction, db, function()
         db:transaction(function() db:exec("INSERT INTO t VALUES (1)") end)
         error("outer")
      end)
      assert.equal(0, count())
   end)
end)

describe("a read-only store", function()
   it("refuses writes with a clear message", function()
      local path = support.tmpname("ro.db")
      local rw = assert(parley.open(path))
      rw:close()
      local db = assert(parley.open(path, { readonly = true }))
      assert.matches("parley store .* %(open, read%-only%)", tostring(db))
      local n, err = db:exec("INSERT INTO parties (id, name) VALUES ('X', 'x')")
      assert.is_nil(n)
      assert.matches("^store is open read%-only: attempt to write a readonly database", err)
      local summary, why = db:import({ parties = { { id = "X", name = "x" } } })
      assert.is_nil(summary)
      assert.matches("read%-only", why)
      db:close()
   end)

   it("cannot be created", function()
      local db, err = parley.open(support.tmpname("absent.db"), { readonly = true })
      assert.is_nil(db)
      assert.matches("cannot open store", err)
   end)
end)
