-- SPDX-License-Identifier: MIT
-- Record digests (docs/dataset.md#record-digests): hashed in C as the value is walked, byte for
-- byte the SHA-256 of parley.json's canonical text, and the same whether a record came from
-- YAML or from a Lua table.
local parley = require "parley"
local core = require "parley.core"
local json = require "parley.json"
local yaml = require "parley.yaml"

-- The form records.digest hashes: dates as written.
local function plain(v)
   if type(v) ~= "table" then return v end
   if v.precision and v.first and v.text then return v.text end
   local out = {}
   for k, x in pairs(v) do out[k] = plain(x) end
   return out
end

local DATASET = [[
parties:
  - {id: ARM, name: Armenia}
  - {id: AZE, name: "Azerbaijan \"AZ\"\ttab"}
sources:
  - {id: s1, title: "a source\nwith a line break", published: 2021-06, credibility: 2}
persons:
  - id: p1
    names: [Հովհաննես, {name: Ованес, written_by: AZE}]
    born: 1990
claims:
  - id: c1
    claimant: ARM
    source: s1
    as_of: 2020-11/2021-06-11
    subject: detainees
    holder: AZE
    about: ARM
    count: {best: 60, low: 38, high: 120, approx: true}
    scope: [soldiers, civilians]
    text: "é ü \u0001 \u007f"
  - {id: c2, claimant: AZE, source: s1, as_of: 2021, subject: access_granted, value: false}
lists:
  - id: l1
    claimant: AZE
    source: s1
    as_of: 2021-06-12
    subject: detainees
    holder: ARM
    persons:
      - {name: Ovanes Petrosyan, born: 1990-04-02, sex: male}
      - {person: p1}
]]

local function digests(db)
   local out = {}
   for row in db:query("SELECT kind, id, digest FROM records") do out[row.kind .. "/" .. row.id] = row.digest end
   return out
end

describe("record digests", function()
   it("are the SHA-256 of the canonical JSON text, computed without making the text", function()
      local values = {
         {}, { 1, 2, 3 }, { [1] = "a", [3] = "c" }, { a = 1, b = { true, false }, [2] = "two", [1.5] = "x" },
         { s = "\"quoted\" \\ \n\r\t\b\f \1 \127 é" }, { f = 1.5, g = 2.0, h = 1e300, n = 0 / 0, i = math.huge },
         { math.mininteger, math.maxinteger, -0.0 }, { z = core.null }, { deep = { { { { "x" } } } } },
         { long = string.rep("y", 10000) },
         { when = { text = "2021-06", precision = "month", first = "2021-06-01", last = "2021-06-30" } },
      }
      for _, v in ipairs(values) do
         assert.equal(core.sha256(json.encode(v)), core.json_sha256(v))
         assert.equal(core.sha256(json.encode(plain(v))), core.json_sha256(v, true))
      end
      -- a date in plain form is its text; otherwise an object like any other
      local d = { text = "2021", precision = "year", first = "2021-01-01", last = "2021-12-31" }
      assert.equal(core.sha256('"2021"'), core.json_sha256(d, true))
      assert.are_not.equal(core.json_sha256(d, true), core.json_sha256(d))
   end)

   it("are SHA-256 as FIPS 180-4 gives it (its test vectors)", function()
      assert.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", core.sha256(""))
      assert.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", core.sha256("abc"))
      assert.equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
         core.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
      assert.equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
         core.sha256(string.rep("a", 1000000)))
      -- piecewise, across the writer's 4 KiB buffer: the digest of the text json.encode gives
      local v = { string.rep("x", 5000), string.rep("y", 3000) }
      assert.equal(core.sha256(json.encode(v)), core.json_sha256(v))
   end)

   it("raise as json.encode does on what JSON cannot hold", function()
      local cycle = {}
      cycle.self = cycle
      assert.has_error(function() core.json_sha256(cycle) end, "cannot encode a table that contains itself")
      assert.has_error(function() core.json_sha256({ [{}] = 1 }) end, "cannot encode a table key of type table")
      assert.has_error(function() core.json_sha256({ f = print }) end, "cannot encode a function as JSON")
   end)

   it("share one writer with json.encode: deep nesting is written, not taken for a cycle, up to a bound", function()
      local deep = {}
      local at = deep
      for _ = 1, 900 do
         at[1] = { x = {} }
         at = at[1].x
      end
      local text = json.encode(deep)
      assert.equal(string.rep('[{"x":', 900) .. "[]" .. string.rep("}]", 900), text)
      assert.equal(core.sha256(text), core.json_sha256(deep))
      at[1] = {}
      at = at[1]
      for _ = 1, 600 do
         at.x = { {} }
         at = at.x[1]
      end
      assert.has_error(function() json.encode(deep) end, "cannot encode a value nested more than 2000 deep")
      -- a text longer than the writer's buffer, and one at exactly the byte budget
      local long = { string.rep("x", 9000), string.rep("y", 5000) }
      assert.equal('["' .. long[1] .. '","' .. long[2] .. '"]', json.encode(long))
      assert.equal(#json.encode(long), #json.encode(long, { max_bytes = 14007 }))
      assert.has_error(function() json.encode(long, { max_bytes = 14006 }) end,
         "cannot encode: the JSON text would exceed 14006 bytes (opts.max_bytes)")
   end)

   it("are the same for a record imported from YAML and from a Lua table", function()
      local from_yaml = assert(parley.open(":memory:"))
      assert(from_yaml:import({ text = DATASET, name = "d.yaml" }))
      local path = os.tmpname()
      os.remove(path)
      local from_table = assert(parley.open(path))
      assert(from_table:import(assert(yaml.load(DATASET)), { name = "d" }))
      local a, b = digests(from_yaml), digests(from_table)
      local n = 0
      for key, d in pairs(a) do
         n = n + 1
         assert.equal(d, b[key], key)
      end
      assert.equal(7, n) -- 2 parties, a source, a person, 2 claims, a list
      for key in pairs(b) do assert.truthy(a[key], key) end
      -- and each is what parley verify re-computes from the rows
      from_table:close()
      local report = assert(require("parley.verify").store(path))
      for _, suffix in ipairs({ "", "-wal", "-shm" }) do os.remove(path .. suffix) end
      local problems = {}
      for _, p in ipairs(report.problems) do problems[#problems + 1] = p.check .. ": " .. p.message end
      assert.same({}, problems)
   end)

   it("of a dataset given as a Lua table is that of its canonical JSON", function()
      local data = assert(yaml.load(DATASET))
      local db = assert(parley.open(":memory:"))
      assert(db:import(data, { name = "d" }))
      assert.equal(core.sha256(json.encode(data)), db:first("SELECT sha256 FROM imports").sha256)
   end)
end)
