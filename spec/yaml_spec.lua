-- SPDX-License-Identifier: MIT
-- parley.yaml: the YAML bridge. These specs are its behaviour, documented by example;
-- docs/yaml.md is the short reference.
local yaml = require "parley.yaml"
local core = require "parley.core"

local null = core.null

--- The error a call raises, as a string (fails the spec when it does not raise).
local function error_of(f, ...)
   local ok, err = pcall(f, ...)
   assert(not ok, "expected an error, got success")
   return tostring(err)
end

--- The message of an expected failure: the call returns nil and a message (bad input is not
-- raised; fails the spec when the call succeeds or raises).
local function failure_of(f, ...)
   local ok, value, message = pcall(f, ...)
   assert(ok, "expected nil and a message, got the error " .. tostring(value))
   assert(value == nil and type(message) == "string", "expected nil and a message, got success")
   return message
end

--- Deep equality that tells integers from floats, treats NaN as equal to NaN and follows
-- shared and cyclic tables.
local function same(a, b, seen)
   if type(a) ~= type(b) then
      return false
   end
   if type(a) ~= "table" then
      if a ~= a then
         return b ~= b
      end
      return a == b and math.type(a) == math.type(b)
   end
   seen = seen or {}
   if seen[a] ~= nil then
      return seen[a] == b
   end
   seen[a] = b
   for k, v in pairs(a) do
      if not same(v, b[k], seen) then
         return false
      end
   end
   for k in pairs(b) do
      if a[k] == nil then
         return false
      end
   end
   return true
end

local function write_temp(text)
   local path = os.tmpname()
   local f = assert(io.open(path, "wb"))
   f:write(text)
   f:close()
   return path
end

describe("parley.yaml", function()
   it("returns load, load_all, load_file, dump and null", function()
      assert.is_function(yaml.load)
      assert.is_function(yaml.load_all)
      assert.is_function(yaml.load_file)
      assert.is_function(yaml.dump)
      assert.equal(core.null, yaml.null)
      assert.not_equal(core.yaml.load, yaml.load) -- a wrapper that gives bad YAML the failure convention
   end)
end)

describe("parley.yaml.load", function()
   describe("with the YAML 1.2 core schema", function()
      it("reads true and false as booleans, in their three spellings", function()
         assert.same({ true, true, true, false, false, false },
            yaml.load("[true, True, TRUE, false, False, FALSE]"))
      end)

      it("keeps yes, no, on, off, y and n as strings (the Norway problem)", function()
         assert.same({ "yes", "no", "on", "off", "y", "n", "NO", "Yes" },
            yaml.load("[yes, no, on, off, y, n, NO, Yes]"))
         assert.same({ country = "NO" }, yaml.load("country: NO"))
      end)

      it("reads null, ~ and empty values as parley.null", function()
         local v = yaml.load("a: null\nb: ~\nc:\nd: Null\ne: NULL\n")
         for _, k in ipairs { "a", "b", "c", "d", "e" } do
            assert.equal(null, v[k])
         end
         assert.same({ null, null }, yaml.load("[~, null]"))
      end)

      it("reads decimal, 0o octal and 0x hex integers as Lua integers", function()
         local v = yaml.load("[0, 12, -7, +3, 007, 0o17, 0x1F, 0xff]")
         assert.same({ 0, 12, -7, 3, 7, 15, 31, 255 }, v)
         for _, n in ipairs(v) do
            assert.equal("integer", math.type(n))
         end
      end)

      it("keeps the whole 64-bit range", function()
         assert.equal(math.maxinteger, yaml.load("9223372036854775807"))
         assert.equal(math.mininteger, yaml.load("-9223372036854775808"))
         assert.equal(math.maxinteger, yaml.load("0x7FFFFFFFFFFFFFFF"))
      end)

      it("fails on an integer that does not fit in 64 bits instead of making it a float", function()
         assert.equal("<string>:1:4: integer 9223372036854775808 does not fit in 64 bits",
            failure_of(yaml.load, "a: 9223372036854775808"))
         assert.equal("<string>:2:3: integer -9223372036854775809 does not fit in 64 bits",
            failure_of(yaml.load, "- 1\n- -9223372036854775809"))
         assert.equal("<string>:1:1: integer 0x10000000000000000 does not fit in 64 bits",
            failure_of(yaml.load, "0x10000000000000000"))
      end)

      it("reads floats, with exponents, .inf, -.inf and .nan", function()
         local v = yaml.load("[1.5, -0.25, .5, 5., 1e3, 2.5E-3, +1.0, .inf, -.inf, .Inf, +.INF]")
         assert.same({ 1.5, -0.25, 0.5, 5.0, 1000.0, 0.0025, 1.0 }, { table.unpack(v, 1, 7) })
         for i = 1, 7 do
            assert.equal("float", math.type(v[i]))
         end
         assert.equal(math.huge, v[8])
         assert.equal(-math.huge, v[9])
         assert.equal(math.huge, v[10])
         assert.equal(math.huge, v[11])
         local nan = yaml.load(".nan")
         assert.is_true(nan ~= nan)
         assert.equal("float", math.type(nan))
      end)

      it("keeps 2.0 a float and 2 an integer", function()
         assert.equal("float", math.type(yaml.load("2.0")))
         assert.equal("integer", math.type(yaml.load("2")))
      end)

      it("keeps other number-like text as strings", function()
         assert.same({ "1_000", "0b101", "-0x1F", "1:30", "1.2.3", "0o8", "1e", ".", "-", "+.5x",
            "2021-06-12", "-.nan" },
            yaml.load("[1_000, 0b101, -0x1F, 1:30, 1.2.3, 0o8, 1e, ., -, +.5x, 2021-06-12, -.nan]"))
      end)

      it("reads quoted and block scalars as strings, whatever they look like", function()
         assert.same({ "true", "123", "null", "", "~", "1.5" },
            yaml.load("['true', \"123\", 'null', '', \"~\", '1.5']"))
         assert.same({ a = "123\n", b = "true" }, yaml.load("a: |\n  123\nb: >-\n  true\n"))
      end)

      it("keeps Unicode text as UTF-8", function()
         local v = yaml.load("- Հովհաննես Պետրոսյան\n- Иван Петров\n- \"\\u00e9\\U0001F600\"\n")
         assert.same({ "Հովհաննես Պետրոսյան", "Иван Петров", "é😀" }, v)
      end)

      it("builds nested mappings and sequences", function()
         assert.same({ parties = { { id = "ARM", name = "Armenia" }, { id = "AZE" } },
            exchange = { mediators = { "GEO", "USA" }, date = "2021-06-12" } },
            yaml.load([[
parties:
  - id: ARM
    name: Armenia
  - {id: AZE}
exchange:
  mediators: [GEO, USA]
  date: 2021-06-12
]]))
      end)

      it("keeps non-string scalar keys with their type", function()
         local v = yaml.load("1: one\n2.5: two\ntrue: yes\n'1': string one\n")
         assert.equal("one", v[1])
         assert.equal("two", v[2.5])
         assert.equal("yes", v[true])
         assert.equal("string one", v["1"])
      end)

      it("uses parley.null for a null key", function()
         assert.equal("x", yaml.load("~: x")[null])
      end)
   end)

   describe("with opts.schema = \"1.1\"", function()
      local function load11(text)
         return yaml.load(text, { schema = "1.1" })
      end

      it("reads y, yes, on and their opposites as booleans", function()
         assert.same({ true, true, true, true, true, false, false, false, false, false, true, false },
            load11("[y, Y, yes, Yes, on, n, N, no, NO, off, ON, Off]"))
      end)

      it("reads 0-prefixed octal, 0b binary, underscores and base 60", function()
         assert.same({ 493, 5, 1000, 685230, 31, -8, 0 },
            load11("[0755, 0b101, 1_000, 190:20:30, 0x_1F, -010, 0]"))
         assert.equal("integer", math.type(load11("0755")))
      end)

      it("reads 1.1 floats, which need a dot", function()
         local v = load11("[1.5, 1_000.5, 1.5e+3, 1:30.5, .5, -.inf, .nan, 1e3]")
         assert.same({ 1.5, 1000.5, 1500.0, 90.5, 0.5, -math.huge }, { table.unpack(v, 1, 6) })
         assert.is_true(v[7] ~= v[7])
         assert.equal("1e3", v[8])
      end)

      it("keeps 09 and 0o17 as strings", function()
         assert.same({ "09", "0o17" }, load11("[09, 0o17]"))
      end)

      it("is chosen by opts.schema only, not by a %YAML 1.1 directive", function()
         assert.equal("yes", yaml.load("%YAML 1.1\n--- yes"))
         assert.is_true(yaml.load("%YAML 1.1\n--- yes", { schema = "1.1" }))
      end)

      it("raises on an unknown schema", function()
         assert.matches("opts.schema must be", error_of(yaml.load, "a", { schema = "1.3" }))
      end)
   end)

   describe("with explicit tags", function()
      it("honours !!str, !!int, !!float, !!bool and !!null", function()
         local v = yaml.load("[!!str 123, !!int '42', !!float 1, !!float '2.5', !!bool 'true', !!null '', "
            .. "!!str yes, !!int 0x10]")
         assert.same({ "123", 42, 1.0, 2.5, true, null, "yes", 16 }, v)
         assert.equal("float", math.type(v[3]))
      end)

      it("honours !!seq and !!map on collections and ! as a string", function()
         assert.same({ a = { 1 }, b = { x = 1 }, c = "12" }, yaml.load("a: !!seq [1]\nb: !!map {x: 1}\nc: ! 12"))
      end)

      it("fails, with nil and a message, on !!int that is not an integer, with its position", function()
         assert.equal("<string>:2:4: !!int on a value that is not an integer: 1.5",
            failure_of(yaml.load, "a: 1\nb: !!int 1.5"))
         assert.equal("<string>:1:2: !!float on a value that is not a number: abc",
            failure_of(yaml.load, "[!!float abc]"))
         assert.equal("<string>:1:1: !!bool on a value that is not a boolean: yes",
            failure_of(yaml.load, "!!bool yes"))
         assert.equal("<string>:1:1: !!null on a value that is not null: 0",
            failure_of(yaml.load, "!!null 0"))
      end)

      it("fails, with nil and a message, on a scalar tag on a collection and a collection tag on a scalar", function()
         assert.equal("<string>:1:4: !!str on a mapping", failure_of(yaml.load, "a: !!str {x: 1}"))
         assert.equal("<string>:1:4: !!map on a scalar", failure_of(yaml.load, "a: !!map x"))
      end)

      it("fails, with nil and a message, on an unknown tag", function()
         assert.equal("<string>:1:6: unknown tag !point (opts.tags has no handler for it)",
            failure_of(yaml.load, "pos: !point 1,2"))
         assert.equal("<string>:1:1: unknown tag !!binary (opts.tags has no handler for it)",
            failure_of(yaml.load, "!!binary aGk="))
      end)

      it("calls the handler in opts.tags with the value and the tag, and uses its result", function()
         local seen = {}
         local tags = {
            ["!point"] = function(value, tag)
               seen[#seen + 1] = tag
               local x, y = value:match("(%d+),(%d+)")
               return { x = tonumber(x), y = tonumber(y) }
            end,
            ["!!binary"] = function(value) return "decoded:" .. value end,
            ["!pair"] = function(value) return value[1] .. "=" .. value[2] end,
         }
         local v = yaml.load("a: !point 1,2\nb: !!binary aGk=\nc: !pair [k, v]\n", { tags = tags })
         assert.same({ a = { x = 1, y = 2 }, b = "decoded:aGk=", c = "k=v" }, v)
         assert.same({ "!point" }, seen)
      end)

      it("gives a handler's error the position of the node", function()
         local tags = { ["!bad"] = function() error("no good", 0) end }
         assert.equal("<string>:2:4: tag !bad: no good", failure_of(yaml.load, "a: 1\nb: !bad x", { tags = tags }))
      end)

      it("makes an anchor on a tagged node refer to the handler's result", function()
         local tags = { ["!n"] = function(v) return #v end }
         assert.same({ a = 3, b = 3 }, yaml.load("a: &x !n [1, 2, 3]\nb: *x", { tags = tags }))
      end)

      it("turns a handler's nil into parley.null", function()
         assert.same({ null }, yaml.load("[!drop x]", { tags = { ["!drop"] = function() end } }))
      end)
   end)

   describe("with anchors and aliases", function()
      it("shares the anchored table instead of copying it", function()
         local v = yaml.load("base: &b {x: 1}\nuse: *b\nlist: [*b, *b]")
         assert.equal(v.base, v.use)
         assert.equal(v.base, v.list[1])
         assert.equal(v.base, v.list[2])
      end)

      it("repeats anchored scalars", function()
         assert.same({ 5, 5, "s", "s" }, yaml.load("[&n 5, *n, &s s, *s]"))
      end)

      it("makes an alias to an enclosing anchor a cycle, without looping", function()
         local v = yaml.load("&top {self: *top, list: &l [1, *l]}")
         assert.equal(v, v.self)
         assert.equal(v.list, v.list[2])
      end)

      it("fails, with nil and a message, on an alias to an undefined anchor", function()
         assert.equal("<string>:2:4: undefined alias *nowhere", failure_of(yaml.load, "a: 1\nb: *nowhere"))
      end)

      it("uses the latest definition of a redefined anchor", function()
         assert.same({ 1, 1, 2, 2 }, yaml.load("[&a 1, *a, &a 2, *a]"))
      end)
   end)

   describe("with merge keys <<", function()
      it("merges a mapping, and explicit keys win wherever they are", function()
         local v = yaml.load([[
base: &base {name: default, size: 1, kind: x}
one:
  size: 2
  <<: *base
  name: one
]])
         assert.same({ name = "one", size = 2, kind = "x" }, v.one)
         assert.same({ name = "default", size = 1, kind = "x" }, v.base)
      end)

      it("merges a list of mappings, earlier ones first", function()
         local v = yaml.load("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc: {<<: [*a, *b, {w: 3}]}")
         assert.same({ x = 1, y = 1, z = 2, w = 3 }, v.c)
      end)

      it("merges inline mappings", function()
         assert.same({ a = 1, b = 2 }, yaml.load("<<: {a: 1, b: 5}\nb: 2"))
      end)

      it("fails, with nil and a message, when << is given something other than mappings", function()
         assert.equal("<string>:1:9: merge key << needs a mapping or a sequence of mappings",
            failure_of(yaml.load, "a: {<<: 3}"))
         assert.equal("<string>:2:9: merge key << needs a mapping or a sequence of mappings",
            failure_of(yaml.load, "l: &l [1]\nm: {<<: *l}"))
      end)

      it("fails, with nil and a message, on a second << in one mapping", function()
         assert.equal("<string>:3:1: duplicate key <<", failure_of(yaml.load, "<<: {a: 1}\nb: 2\n<<: {c: 3}\n"))
      end)

      it("reads a quoted '<<' as an ordinary key", function()
         assert.same({ ["<<"] = 1 }, yaml.load("'<<': 1"))
      end)

      it("bounds the work merges may do", function()
         local lines = { "k: &k {" }
         for i = 1, 200 do
            lines[#lines + 1] = ("k%d: %d,"):format(i, i)
         end
         lines[#lines + 1] = "}"
         for i = 1, 100 do
            lines[#lines + 1] = ("m%d: {<<: *k}"):format(i)
         end
         local text = table.concat(lines, "\n")
         assert.equal(200, yaml.load(text).m100.k200)
         assert.matches("^<string>:%d+:%d+: merge keys copy too many entries %(limit opts.max_merge_keys%)$",
            failure_of(yaml.load, text, { max_merge_keys = 1000 }))
      end)
   end)

   describe("with keys", function()
      it("fails, with nil and a message, on a duplicate key with the position of the second", function()
         assert.equal('<string>:3:3: duplicate key "b"', failure_of(yaml.load, "a:\n  b: 1\n  b: 2\n"))
         assert.equal("<string>:1:8: duplicate key 1", failure_of(yaml.load, "{1: a, 1: b}"))
         assert.equal("<string>:1:8: duplicate key 1.0", failure_of(yaml.load, "{1: a, 1.0: b}"))
      end)

      it("fails, with nil and a message, on a mapping or sequence key with a clear message", function()
         assert.equal("<string>:1:2: a mapping cannot be a key: only scalars can", failure_of(yaml.load, "{{a: 1}: b}"))
         assert.equal("<string>:1:3: a sequence cannot be a key: only scalars can", failure_of(yaml.load, "? [1]\n: 2"))
         assert.equal("<string>:2:1: a mapping cannot be a key: only scalars can",
            failure_of(yaml.load, "a: &m {x: 1}\n*m : 2"))
      end)

      it("fails, with nil and a message, on a NaN key", function()
         assert.equal("<string>:1:2: NaN cannot be a key", failure_of(yaml.load, "{.nan: 1}"))
      end)
   end)

   describe("on errors", function()
      it("reports name:line:col: problem with libyaml's context", function()
         assert.equal("<string>:3:1: could not find expected ':' (while scanning a simple key at 2:1)",
            failure_of(yaml.load, "key: value\nbad\n"))
         assert.equal("<string>:2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)",
            failure_of(yaml.load, "a: [1, 2\n"))
         assert.equal("<string>:2:3: mapping values are not allowed in this context",
            failure_of(yaml.load, "a: b\n c: d\n"))
      end)

      it("uses opts.name as the name", function()
         assert.equal("data/x.yaml:1:4: undefined alias *a", failure_of(yaml.load, "a: *a", { name = "data/x.yaml" }))
      end)

      it("fails, with nil and a message, on a second document", function()
         assert.equal("<string>:2:1: expected a single document, found another (use load_all for a stream)",
            failure_of(yaml.load, "--- 1\n--- 2\n"))
      end)

      it("raises on misuse: text that is not a string, opts that is not a table, an unknown option", function()
         assert.matches("bad argument #1", error_of(yaml.load, nil))
         assert.matches("bad argument #2", error_of(yaml.load, "a", 5))
         assert.matches("unknown option opts.nmae", error_of(yaml.load, "a", { nmae = "x" }))
         assert.matches("opts.max_depth must be", error_of(yaml.load, "a", { max_depth = 0 }))
      end)
   end)

   describe("on hostile input", function()
      it("stops at the nesting limit with a clear error, also for 10,000 levels", function()
         assert.equal("<string>:1:1001: nesting deeper than 1000 levels (opts.max_depth)",
            failure_of(yaml.load, string.rep("[", 10000) .. string.rep("]", 10000)))
         assert.equal("<string>:1:2001: nesting deeper than 1000 levels (opts.max_depth)",
            failure_of(yaml.load, string.rep("- ", 10000) .. "x"))
         assert.equal("<string>:1:41: nesting deeper than 10 levels (opts.max_depth)",
            failure_of(yaml.load, string.rep("{a: ", 11) .. "1" .. string.rep("}", 11), { max_depth = 10 }))
      end)

      it("loads 10,000 levels when opts.max_depth allows it", function()
         local v = yaml.load(string.rep("[", 10000) .. "7" .. string.rep("]", 10000), { max_depth = 10000 })
         for _ = 1, 10000 do
            v = v[1]
         end
         assert.equal(7, v)
      end)

      it("loads billion laughs fast and in little memory, since aliases share", function()
         local lines = { "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]" }
         for i = 1, 40 do
            local p = "*l" .. (i - 1)
            lines[#lines + 1] = ("l%d: &l%d [%s, %s, %s, %s, %s, %s, %s, %s, %s, %s]"):format(i, i,
               p, p, p, p, p, p, p, p, p, p)
         end
         collectgarbage()
         local before = collectgarbage("count")
         local t0 = os.clock()
         local v, err = yaml.load(table.concat(lines, "\n"))
         assert.is_true(os.clock() - t0 < 1)
         assert.is_true(collectgarbage("count") - before < 1024) -- KB
         -- refused by default: whoever walks it would meet 10^40 strings (docs/yaml.md, max_nodes)
         assert.is_nil(v)
         assert.matches("^<string>:6:%d+: the document holds more than 1000000 nodes", err)
         -- a budget that allows it (10^16 nodes) still loads it in one table per anchor
         v = assert(yaml.load(table.concat(lines, "\n", 1, 16), { max_nodes = math.maxinteger }))
         assert.is_true(collectgarbage("count") - before < 1024) -- KB
         assert.equal(v.l14, v.l15[10])
      end)

      it("loads billion laughs through merge keys without blowing up", function()
         local lines = { "m0: &m0 {a: 1, b: 2, c: 3}" }
         for i = 1, 40 do
            local p = "*m" .. (i - 1)
            lines[#lines + 1] = ("m%d: &m%d {<<: [%s, %s, %s, %s], k%d: %d}"):format(i, i, p, p, p, p, i, i)
         end
         local t0 = os.clock()
         local v, err = yaml.load(table.concat(lines, "\n"))
         assert.is_true(os.clock() - t0 < 1)
         assert.is_nil(v)
         assert.matches("the document holds more than 1000000 nodes with its aliases expanded", err)
         v = assert(yaml.load(table.concat(lines, "\n", 1, 21), { max_nodes = math.maxinteger }))
         assert.equal(1, v.m20.k1)
         assert.equal(3, v.m20.c)
      end)

      it("fails, with nil and a message, on invalid UTF-8 with its position", function()
         assert.equal("<string>:2:6: invalid leading UTF-8 octet (byte 0xFF)",
            failure_of(yaml.load, "a: 1\nb: \"x\255\"\n"))
         assert.equal("<string>:1:5: invalid trailing UTF-8 octet (byte 0x41)",
            failure_of(yaml.load, "a: \xC3A"))
         assert.equal("<string>:1:6: invalid Unicode character (U+D800)",
            failure_of(yaml.load, "x: 'a\xED\xA0\x80'"))
         assert.equal("<string>:1:4: control characters are not allowed (byte 0x01)",
            failure_of(yaml.load, "x: \1"))
      end)

      it("accepts a byte order mark", function()
         assert.same({ a = 1 }, yaml.load("\xEF\xBB\xBFa: 1\n"))
      end)

      it("reads CRLF files, with CRLF line breaks in block scalars read as \\n", function()
         assert.same({ a = 1, b = "x\ny\n", c = { 1, 2 } },
            yaml.load("a: 1\r\nb: |\r\n  x\r\n  y\r\nc:\r\n  - 1\r\n  - 2\r\n"))
         assert.equal("<string>:3:1: undefined alias *z", failure_of(yaml.load, "a: 1\r\nb: 2\r\n*z : 3\r\n"))
      end)

      it("fails with libyaml's error and its position on tabs in indentation", function()
         assert.equal("<string>:2:1: found character that cannot start any token "
            .. "(while scanning for the next token at 2:1)",
            failure_of(yaml.load, "a:\n\t- b\n"))
      end)

      it("loads an empty file and a file of comments as nil", function()
         assert.is_nil(yaml.load(""))
         assert.is_nil(yaml.load("# just a comment\n\n   # another\n"))
         assert.equal(null, yaml.load("---\n"))
      end)

      it("loads a 100 MB scalar", function()
         local big = string.rep("0123456789abcdef", 100 * 1024 * 1024 / 16)
         local v = yaml.load("k: " .. big)
         assert.equal(100 * 1024 * 1024, #v.k)
         assert.is_true(v.k == big)
      end)
   end)

   -- The marks shape: for every table produced,
   --   marks[tbl] = { line =, column =,                 -- where the collection starts
   --                  keys = { [k] = { line =, column = } },   -- each key node
   --                  values = { [k] = { line =, column = } } } -- each value node
   -- 1-based; for a sequence, values[i] is item i and keys is the same table as values.
   describe("with opts.marks", function()
      local text = [[
parley: 1
claims:
  - id: c1
    holder: AZE
  - id: c2
    holder: ARM
  - id: c3
    holder: AZE
    count: {best: 200, approx: true}
]]

      it("returns the positions of every table, key and value beside the value", function()
         local v, marks = yaml.load(text, { marks = true })
         assert.same({ line = 1, column = 1 }, { line = marks[v].line, column = marks[v].column })
         assert.same({ line = 2, column = 1 }, marks[v].keys.claims)
         assert.same({ line = 3, column = 3 }, marks[v].values.claims)
         local claims = v.claims
         assert.same({ line = 7, column = 5 }, marks[claims].values[3])
         local claim = claims[3]
         assert.same({ line = 8, column = 5 }, marks[claim].keys.holder)
         assert.same({ line = 8, column = 13 }, marks[claim].values.holder)
         assert.same({ line = 9, column = 13 }, marks[claim.count].keys.best)
         assert.same({ line = 9, column = 19 }, marks[claim.count].values.best)
         assert.same({ line = 9, column = 12 }, { line = marks[claim.count].line, column = marks[claim.count].column })
      end)

      it("turns a key path like claims[3].holder into file:line:col", function()
         local v, marks = yaml.load(text, { marks = true, name = "data.yaml" })
         local function where(path)
            local node, pos = v, nil
            for key in path:gmatch("[^%.%[%]]+") do
               key = tonumber(key) or key
               pos = marks[node].values[key]
               node = node[key]
            end
            return ("data.yaml:%d:%d"):format(pos.line, pos.column)
         end
         assert.equal("data.yaml:8:13", where("claims[3].holder"))
         assert.equal("data.yaml:9:12", where("claims[3].count"))
      end)

      it("counts columns in characters, not bytes", function()
         local v, marks = yaml.load("- Հայաստան: Երևան\n", { marks = true })
         assert.same({ line = 1, column = 13 }, marks[v[1]].values["Հայաստան"])
      end)

      it("gives sequences a keys table that is their values table", function()
         local v, marks = yaml.load("- a\n- b\n", { marks = true })
         assert.equal(marks[v].keys, marks[v].values)
         assert.same({ line = 2, column = 3 }, marks[v].values[2])
      end)

      it("gives merged keys the positions they have in their source", function()
         local v, marks = yaml.load("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n", { marks = true })
         assert.same({ line = 1, column = 8 }, marks[v.b].keys.x)
         assert.same({ line = 4, column = 3 }, marks[v.b].keys.y)
      end)

      it("returns nil and an empty marks table for an empty file", function()
         local v, marks = yaml.load("", { marks = true })
         assert.is_nil(v)
         assert.same({}, marks)
      end)

      it("is not returned without opts.marks", function()
         assert.equal(1, select("#", yaml.load("a: 1")))
      end)
   end)
end)

describe("parley.yaml's hints", function()
   it("say to quote a plain value that contains ': ', and only then", function()
      assert.equal('x.yaml:2:14: mapping values are not allowed in this context (a plain value cannot contain ' ..
         [[': ': quote it, as in text: "he said: no")]], failure_of(yaml.load, "a: 1\ntext: he said: no\n",
         { name = "x.yaml" }))
      assert.equal("<string>:2:3: mapping values are not allowed in this context",
         failure_of(yaml.load, "a: b\n c: d\n"))
   end)

   it("say that a value starting with @ or a backquote must be quoted", function()
      assert.matches("%(a value starting with @ must be quoted%)$", failure_of(yaml.load, "a: @x"))
      assert.matches("%(a value starting with ` must be quoted%)$", failure_of(yaml.load, "a: `x`"))
   end)
end)

describe("parley.yaml.load_all", function()
   it("returns every document of a stream as an array", function()
      assert.same({ 1, "a", { x = 1 }, null }, yaml.load_all("--- 1\n--- a\n---\nx: 1\n---\n...\n"))
   end)

   it("returns an empty array for an empty stream or one of comments", function()
      assert.same({}, yaml.load_all(""))
      assert.same({}, yaml.load_all("# nothing\n"))
   end)

   it("keeps anchors within their document", function()
      assert.equal("<string>:2:5: undefined alias *a", failure_of(yaml.load_all, "--- &a 1\n--- *a\n"))
   end)

   it("returns marks for every document", function()
      local docs, marks = yaml.load_all("--- {a: 1}\n--- [x]\n", { marks = true })
      assert.same({ line = 1, column = 9 }, marks[docs[1]].values.a)
      assert.same({ line = 2, column = 6 }, marks[docs[2]].values[1])
   end)

   it("fails, with nil and a message, on bad YAML in any document", function()
      assert.equal("<string>:4:3: mapping values are not allowed in this context",
         failure_of(yaml.load_all, "--- 1\n---\na: b\n c: d\n"))
   end)
end)

describe("parley.yaml.load_file", function()
   it("loads a file", function()
      local path = write_temp("a: [1, 2]\n")
      assert.same({ a = { 1, 2 } }, yaml.load_file(path))
      os.remove(path)
   end)

   it("returns nil and a message naming the file on bad YAML", function()
      local path = write_temp("a: 1\na: 2\n")
      local v, err = yaml.load_file(path)
      os.remove(path)
      assert.is_nil(v)
      assert.equal(path .. ':2:1: duplicate key "a"', err)
   end)

   it("returns nil and a message for a missing file", function()
      local v, err = yaml.load_file("/nonexistent/parley.yaml")
      assert.is_nil(v)
      assert.matches("/nonexistent/parley.yaml", err)
   end)

   it("passes opts on, with marks", function()
      local path = write_temp("a: yes\n")
      local v, marks = yaml.load_file(path, { schema = "1.1", marks = true })
      os.remove(path)
      assert.same({ a = true }, v)
      assert.same({ line = 1, column = 4 }, marks[v].values.a)
   end)

   it("fails, with nil and a message, on misuse", function()
      assert.matches("bad argument #1 to 'load_file'", error_of(yaml.load_file, 42))
      assert.matches("bad argument #2 to 'load_file'", error_of(yaml.load_file, "x", "y"))
      local path = write_temp("a: 1\n")
      assert.matches("unknown option", error_of(yaml.load_file, path, { bogus = true }))
      os.remove(path)
   end)
end)

describe("parley.yaml.dump", function()
   it("writes block style with sorted keys: numbers, then strings", function()
      assert.equal("1: x\n2.5: w\n10: z\na: 1\nb:\n- 1\n- 2\nc:\n  d: true\n",
         yaml.dump({ a = 1, b = { 1, 2 }, c = { d = true }, [10] = "z", [1] = "x", [2.5] = "w" }))
   end)

   it("is deterministic", function()
      local v = {}
      for i = 1, 200 do
         v["k" .. i] = i
      end
      assert.equal(yaml.dump(v), yaml.dump(v))
   end)

   it("writes a table with keys 1..n as a sequence and others as mappings", function()
      assert.equal("- a\n- b\n", yaml.dump({ "a", "b" }))
      assert.equal("1: a\n3: c\n", yaml.dump({ [1] = "a", [3] = "c" }))
      assert.equal("1: a\nx: b\n", yaml.dump({ "a", x = "b" }))
   end)

   it("writes the empty table as {}", function()
      assert.equal("{}\n", yaml.dump({}))
      assert.equal("a: {}\n", yaml.dump({ a = {} }))
   end)

   it("quotes strings that would read back as another type", function()
      assert.equal('- "yes"\n- "123"\n- "null"\n- ""\n- "~"\n- "1.5"\n- "0o17"\n- "<<"\n- "true"\n- "off"\n',
         yaml.dump({ "yes", "123", "null", "", "~", "1.5", "0o17", "<<", "true", "off" }))
   end)

   it("quotes strings with leading or trailing space and YAML indicators", function()
      assert.equal("- ' a'\n- 'a '\n- '- x'\n- 'a: b'\n- '#c'\n- plain text\n",
         yaml.dump({ " a", "a ", "- x", "a: b", "#c", "plain text" }))
   end)

   it("writes multi-line strings as literal blocks", function()
      assert.equal("text: |\n  line one\n  line two\n", yaml.dump({ text = "line one\nline two\n" }))
      assert.equal("text: |-\n  no newline\n  at the end\n", yaml.dump({ text = "no newline\nat the end" }))
   end)

   it("writes Unicode as UTF-8, not escapes", function()
      assert.equal("- Հովհաննես\n- Иван\n", yaml.dump({ "Հովհաննես", "Иван" }))
   end)

   it("keeps integers and floats apart", function()
      assert.equal("- 2\n- 2.0\n- 1.5\n- -0.0\n- 1.0e+20\n- .inf\n- -.inf\n- .nan\n",
         yaml.dump({ 2, 2.0, 1.5, -0.0, 1e20, math.huge, -math.huge, 0 / 0 }))
      assert.equal("float", math.type(yaml.load(yaml.dump(2.0))))
   end)

   it("writes parley.null, booleans and nil", function()
      assert.equal("- null\n- true\n- false\n", yaml.dump({ null, true, false }))
      assert.equal("null\n", yaml.dump(nil))
   end)

   it("writes a table met twice once, with an anchor", function()
      local shared = { x = 1 }
      local text = yaml.dump({ a = shared, b = shared })
      assert.equal("a: &a1\n  x: 1\nb: *a1\n", text)
      local back = yaml.load(text)
      assert.equal(back.a, back.b)
   end)

   it("refuses cycles with a clear error", function()
      local t = { name = "loop" }
      t.children = { t }
      assert.equal("yaml.dump: cannot dump a cycle: this table is one of the tables enclosing it "
         .. "(at children[1])", error_of(yaml.dump, t))
   end)

   it("refuses functions, userdata, threads and table keys with the key path", function()
      assert.equal("yaml.dump: cannot dump a function (at claims[2].run)",
         error_of(yaml.dump, { claims = { {}, { run = print } } }))
      assert.equal("yaml.dump: cannot dump a userdata (at [\"a b\"])", error_of(yaml.dump, { ["a b"] = io.stdout }))
      assert.equal("yaml.dump: cannot dump a thread", error_of(yaml.dump, coroutine.create(print)))
      assert.equal("yaml.dump: cannot dump a key of type table (at a)", error_of(yaml.dump, { a = { [{}] = 1 } }))
   end)

   it("refuses strings that are not UTF-8", function()
      assert.equal("yaml.dump: cannot dump a string that is not valid UTF-8 (at a)",
         error_of(yaml.dump, { a = "\255" }))
   end)

   it("refuses nesting past opts.max_depth", function()
      local deep = {}
      local t = deep
      for _ = 1, 20 do
         t[1] = {}
         t = t[1]
      end
      assert.matches("nesting deeper than 10 levels", error_of(yaml.dump, deep, { max_depth = 10 }))
      assert.matches("from 1 to 10000", error_of(yaml.dump, deep, { max_depth = 20000 }))
      assert.is_string(yaml.dump(deep))
   end)

   it("honours opts.indent and raises on unknown options", function()
      assert.equal("a:\n    b: 1\n", yaml.dump({ a = { b = 1 } }, { indent = 4 }))
      assert.matches("unknown option opts.width", error_of(yaml.dump, 1, { width = 3 }))
   end)
end)

describe("yaml.load(yaml.dump(v))", function()
   local tricky = { "", " ", "a ", " a", "yes", "No", "~", "null", "123", "-7", "0o7", "0x1F", "1_0",
      "1:2", ".5", "1e3", ".inf", "-.inf", ".nan", "-", "- a", "a: b", "#c", "a #b", "'", '"', "\n",
      "\n\n", "a\n", "a\nb", " a\nb", "a\n b\n", "a\n\n", "\ta", "a\tb", "x\0y", "\1", "é", "<<",
      "!tag", "&a", "*a", "%x", "@", "`", "{", "[", "]", ",", "?", "? a", ":", "a:", "...", "---",
      "--- a", "a\r\nb", "\u{2028}", "\u{FEFF}a", "a\n ", "a \nb", "  lead\nx", "trail\n\n\n",
      "\n lead", "2021-06-12", "12:30", "0755", "=", "Հովհաննես Պետրոսյան", "Иван Петров",
      string.rep("long ", 100) }

   it("gives back every tricky string, as a value, a key and an item", function()
      for _, s in ipairs(tricky) do
         for _, v in ipairs { s, { s }, { [s] = s }, { k = { s, { s } } } } do
            local text = yaml.dump(v)
            local back = yaml.load(text)
            assert(same(v, back), ("%q dumped as %q"):format(s, text))
         end
      end
   end)

   it("gives back numbers exactly", function()
      for _, n in ipairs { 0, 1, -1, math.maxinteger, math.mininteger, 0.1, 1 / 3, 2.0, -0.0, 1e20, 1e-300,
         5e-324, math.huge, -math.huge, 0 / 0, 3.14159, 123456789012345.0, 2 ^ 53, 2 ^ 63 } do
         local back = yaml.load(yaml.dump({ n }))[1]
         assert(same(n, back), ("%s (%s)"):format(n, math.type(n)))
      end
   end)

   it("gives back 500 random values", function()
      math.randomseed(20240612)
      local pieces = { "a", "Z", "0", "1", " ", "\n", ":", "-", "#", "'", '"', "y", "es", "no", "n", "ull",
         "~", ".", "e", "x", "<", "&", "*", "!", "%", "é", "Հ", "и", "\t", "{", "}", "[", "]", ",", "?" }
      local function rstring()
         local parts = {}
         for i = 1, math.random(0, 6) do
            parts[i] = pieces[math.random(#pieces)]
         end
         return table.concat(parts)
      end
      local function rscalar()
         local r = math.random(8)
         if r == 1 then
            return math.random(-1000, 1000)
         elseif r == 2 then
            return math.random() * 10 ^ math.random(-5, 5) * (math.random(2) == 1 and -1 or 1)
         elseif r == 3 then
            return math.random(2) == 1
         elseif r == 4 then
            return null
         elseif r == 5 then
            return math.random(math.mininteger, math.maxinteger)
         else
            return rstring()
         end
      end
      local function rvalue(depth)
         local r = math.random(depth > 3 and 1 or 10)
         if r <= 5 then
            return rscalar()
         elseif r <= 7 then
            local t = {}
            for i = 1, math.random(0, 5) do
               t[i] = rvalue(depth + 1)
            end
            return t
         else
            local t = {}
            for _ = 1, math.random(0, 5) do
               local k = rscalar()
               if k ~= k then k = "nan" end
               t[k] = rvalue(depth + 1)
            end
            return t
         end
      end
      for _ = 1, 500 do
         local v = rvalue(0)
         local text = yaml.dump(v)
         local ok, back = pcall(yaml.load, text)
         assert(ok and same(v, back), ("dumped as %q: %s"):format(text, tostring(back)))
      end
   end)

   it("gives back shared tables shared", function()
      local s = { 1, 2 }
      local back = yaml.load(yaml.dump({ a = s, b = { s, s } }))
      assert.equal(back.a, back.b[1])
      assert.equal(back.a, back.b[2])
   end)
end)
