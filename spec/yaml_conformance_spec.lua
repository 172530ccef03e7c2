-- SPDX-License-Identifier: MIT
-- The examples of chapter 2 ("Language Overview") of the YAML 1.2 specification, each with the
-- Lua value parley.yaml gives it under the core schema. Differences from the spec's own
-- reading are parley's documented choices: timestamps stay strings (2.22, 2.27, 2.28), non-scalar
-- keys are refused (2.11), and tags beyond the core ones need a handler (2.23 to 2.27).
-- libyaml 0.2.5 parses all 28 examples, so none is skipped.
local yaml = require "parley.yaml"

local null = yaml.null

--- The message of an expected failure: the call returns nil and a message (bad input is not
-- raised; fails the spec when the call succeeds or raises).
local function failure_of(f, ...)
   local ok, value, message = pcall(f, ...)
   assert(ok, "expected nil and a message, got the error " .. tostring(value))
   assert(value == nil and type(message) == "string", "expected nil and a message, got success")
   return message
end

describe("YAML 1.2 chapter 2 examples", function()
   it("2.1 Sequence of Scalars", function()
      assert.same({ "Mark McGwire", "Sammy Sosa", "Ken Griffey" }, yaml.load([[
- Mark McGwire
- Sammy Sosa
- Ken Griffey
]]))
   end)

   it("2.2 Mapping Scalars to Scalars", function()
      local v = yaml.load([[
hr:  65    # Home runs
avg: 0.278 # Batting average
rbi: 147   # Runs Batted In
]])
      assert.same({ hr = 65, avg = 0.278, rbi = 147 }, v)
      assert.equal("integer", math.type(v.hr))
   end)

   it("2.3 Mapping Scalars to Sequences", function()
      assert.same({
         american = { "Boston Red Sox", "Detroit Tigers", "New York Yankees" },
         national = { "New York Mets", "Chicago Cubs", "Atlanta Braves" },
      }, yaml.load([[
american:
  - Boston Red Sox
  - Detroit Tigers
  - New York Yankees
national:
  - New York Mets
  - Chicago Cubs
  - Atlanta Braves
]]))
   end)

   it("2.4 Sequence of Mappings", function()
      assert.same({
         { name = "Mark McGwire", hr = 65, avg = 0.278 },
         { name = "Sammy Sosa", hr = 63, avg = 0.288 },
      }, yaml.load([[
-
  name: Mark McGwire
  hr:   65
  avg:  0.278
-
  name: Sammy Sosa
  hr:   63
  avg:  0.288
]]))
   end)

   it("2.5 Sequence of Sequences", function()
      assert.same({
         { "name", "hr", "avg" },
         { "Mark McGwire", 65, 0.278 },
         { "Sammy Sosa", 63, 0.288 },
      }, yaml.load([[
- [name        , hr, avg  ]
- [Mark McGwire, 65, 0.278]
- [Sammy Sosa  , 63, 0.288]
]]))
   end)

   it("2.6 Mapping of Mappings", function()
      assert.same({
         ["Mark McGwire"] = { hr = 65, avg = 0.278 },
         ["Sammy Sosa"] = { hr = 63, avg = 0.288 },
      }, yaml.load([[
Mark McGwire: {hr: 65, avg: 0.278}
Sammy Sosa: {
    hr: 63,
    avg: 0.288
  }
]]))
   end)

   it("2.7 Two Documents in a Stream", function()
      local text = [[
# Ranking of 1998 home runs
---
- Mark McGwire
- Sammy Sosa
- Ken Griffey

# Team ranking
---
- Chicago Cubs
- St Louis Cardinals
]]
      assert.same({
         { "Mark McGwire", "Sammy Sosa", "Ken Griffey" },
         { "Chicago Cubs", "St Louis Cardinals" },
      }, yaml.load_all(text))
      assert.equal("<string>:8:1: expected a single document, found another (use load_all for a stream)",
         failure_of(yaml.load, text))
   end)

   it("2.8 Play by Play Feed (20:03:20 is a string under the core schema)", function()
      assert.same({
         { time = "20:03:20", player = "Sammy Sosa", action = "strike (miss)" },
         { time = "20:03:47", player = "Sammy Sosa", action = "grand slam" },
      }, yaml.load_all([[
---
time: 20:03:20
player: Sammy Sosa
action: strike (miss)
...
---
time: 20:03:47
player: Sammy Sosa
action: grand slam
...
]]))
   end)

   it("2.9 Single Document with Two Comments", function()
      assert.same({
         hr = { "Mark McGwire", "Sammy Sosa" },
         rbi = { "Sammy Sosa", "Ken Griffey" },
      }, yaml.load([[
---
hr: # 1998 hr ranking
  - Mark McGwire
  - Sammy Sosa
rbi:
  # 1998 rbi ranking
  - Sammy Sosa
  - Ken Griffey
]]))
   end)

   it("2.10 Node for Sammy Sosa appears twice in this document", function()
      assert.same({
         hr = { "Mark McGwire", "Sammy Sosa" },
         rbi = { "Sammy Sosa", "Ken Griffey" },
      }, yaml.load([[
---
hr:
  - Mark McGwire
  # Following node labeled SS
  - &SS Sammy Sosa
rbi:
  - *SS # Subsequent occurrence
  - Ken Griffey
]]))
   end)

   it("2.11 Mapping between Sequences (refused: Lua tables cannot be compared as keys)", function()
      assert.equal("<string>:1:3: a sequence cannot be a key: only scalars can", failure_of(yaml.load, [[
? - Detroit Tigers
  - Chicago cubs
:
  - 2001-07-23

? [ New York Yankees,
    Atlanta Braves ]
: [ 2001-07-02, 2001-08-12,
    2001-08-14 ]
]]))
   end)

   it("2.12 Compact Nested Mapping", function()
      assert.same({
         { item = "Super Hoop", quantity = 1 },
         { item = "Basketball", quantity = 4 },
         { item = "Big Shoes", quantity = 1 },
      }, yaml.load([[
---
# Products purchased
- item    : Super Hoop
  quantity: 1
- item    : Basketball
  quantity: 4
- item    : Big Shoes
  quantity: 1
]]))
   end)

   it("2.13 In literals, newlines are preserved", function()
      assert.equal("\\//||\\/||\n// ||  ||__\n", yaml.load([[
# ASCII Art
--- |
  \//||\/||
  // ||  ||__
]]))
   end)

   it("2.14 In the folded scalars, newlines become spaces", function()
      assert.equal("Mark McGwire's year was crippled by a knee injury.\n", yaml.load([[
--- >
  Mark McGwire's
  year was crippled
  by a knee injury.
]]))
   end)

   it("2.15 Folded newlines are preserved for more indented and blank lines", function()
      assert.equal("Sammy Sosa completed another fine season with great stats.\n\n"
         .. "  63 Home Runs\n  0.288 Batting Average\n\nWhat a year!\n", yaml.load([[
>
 Sammy Sosa completed another
 fine season with great stats.

   63 Home Runs
   0.288 Batting Average

 What a year!
]]))
   end)

   it("2.16 Indentation determines scope", function()
      assert.same({
         name = "Mark McGwire",
         accomplishment = "Mark set a major league home run record in 1998.\n",
         stats = "65 Home Runs\n0.278 Batting Average\n",
      }, yaml.load([[
name: Mark McGwire
accomplishment: >
  Mark set a major league
  home run record in 1998.
stats: |
  65 Home Runs
  0.278 Batting Average
]]))
   end)

   it("2.17 Quoted Scalars", function()
      assert.same({
         unicode = "Sosa did fine.\u{263A}",
         control = "\b1998\t1999\t2000\n",
         ["hex esc"] = "\r\n is \r\n",
         single = '"Howdy!" he cried.',
         quoted = " # Not a 'comment'.",
         ["tie-fighter"] = "|\\-*-/|",
      }, yaml.load([[
unicode: "Sosa did fine.\u263A"
control: "\b1998\t1999\t2000\n"
hex esc: "\x0d\x0a is \r\n"

single: '"Howdy!" he cried.'
quoted: ' # Not a ''comment''.'
tie-fighter: '|\-*-/|'
]]))
   end)

   it("2.18 Multi-line Flow Scalars", function()
      assert.same({
         plain = "This unquoted scalar spans many lines.",
         quoted = "So does this quoted scalar.\n",
      }, yaml.load([[
plain:
  This unquoted scalar
  spans many lines.

quoted: "So does this
  quoted scalar.\n"
]]))
   end)

   it("2.19 Integers", function()
      assert.same({ canonical = 12345, decimal = 12345, octal = 12, hexadecimal = 12 }, yaml.load([[
canonical: 12345
decimal: +12345
octal: 0o14
hexadecimal: 0xC
]]))
   end)

   it("2.20 Floating Point", function()
      local v = yaml.load([[
canonical: 1.23015e+3
exponential: 12.3015e+02
fixed: 1230.15
negative infinity: -.inf
not a number: .NaN
]])
      assert.equal(1230.15, v.canonical)
      assert.equal(1230.15, v.exponential)
      assert.equal(1230.15, v.fixed)
      assert.equal(-math.huge, v["negative infinity"])
      assert.is_true(v["not a number"] ~= v["not a number"])
   end)

   it("2.21 Miscellaneous (the key null is parley.null)", function()
      local v = yaml.load([[
null:
booleans: [ true, false ]
string: '012345'
]])
      assert.equal(null, v[null])
      assert.same({ true, false }, v.booleans)
      assert.equal("012345", v.string)
   end)

   it("2.22 Timestamps (strings: parley has no timestamp type)", function()
      assert.same({
         canonical = "2001-12-15T02:59:43.1Z",
         iso8601 = "2001-12-14t21:59:43.10-05:00",
         spaced = "2001-12-14 21:59:43.10 -5",
         date = "2002-12-14",
      }, yaml.load([[
canonical: 2001-12-15T02:59:43.1Z
iso8601: 2001-12-14t21:59:43.10-05:00
spaced: 2001-12-14 21:59:43.10 -5
date: 2002-12-14
]]))
   end)

   describe("2.23 Various Explicit Tags", function()
      local text = [[
---
not-date: !!str 2002-04-28

picture: !!binary |
 R0lGODlhDAAMAIQAAP//9/X
 17unp5WZmZgAAAOfn515eXv
 Pz7Y6OjuDg4J+fn5OTk6enp
 56enmleECcgggoBADs=

application specific tag: !something |
 The semantics of the tag
 above may be different for
 different documents.
]]

      it("needs handlers for !!binary and !something", function()
         assert.equal("<string>:4:10: unknown tag !!binary (opts.tags has no handler for it)",
            failure_of(yaml.load, text))
      end)

      it("gives the handlers the text and the tag", function()
         local function keep(value, tag)
            return { tag = tag, text = value }
         end
         local v = yaml.load(text, { tags = { ["!!binary"] = keep, ["!something"] = keep } })
         assert.equal("2002-04-28", v["not-date"])
         assert.same({ tag = "!!binary", text = "R0lGODlhDAAMAIQAAP//9/X\n17unp5WZmZgAAAOfn515eXv\n"
            .. "Pz7Y6OjuDg4J+fn5OTk6enp\n56enmleECcgggoBADs=\n" }, v.picture)
         assert.same({ tag = "!something", text = "The semantics of the tag\nabove may be different for\n"
            .. "different documents.\n" }, v["application specific tag"])
      end)
   end)

   it("2.24 Global Tags (handlers are looked up by the full tag)", function()
      local prefix = "tag:clarkevans.com,2002:"
      local tags = {}
      for _, name in ipairs { "shape", "circle", "line", "label" } do
         tags[prefix .. name] = function(value) return { [name] = value } end
      end
      local v = yaml.load([[
%TAG ! tag:clarkevans.com,2002:
--- !shape
  # Use the ! handle for presenting
  # tag:clarkevans.com,2002:circle
- !circle
  center: &ORIGIN {x: 73, y: 129}
  radius: 7
- !line
  start: *ORIGIN
  finish: { x: 89, y: 102 }
- !label
  start: *ORIGIN
  color: 0xFFEEBB
  text: Pretty vector drawing.
]], { tags = tags })
      local origin = { x = 73, y = 129 }
      assert.same({ shape = {
         { circle = { center = origin, radius = 7 } },
         { line = { start = origin, finish = { x = 89, y = 102 } } },
         { label = { start = origin, color = 0xFFEEBB, text = "Pretty vector drawing." } },
      } }, v)
      assert.equal(v.shape[1].circle.center, v.shape[2].line.start)
   end)

   it("2.25 Unordered Sets (!!set, with a handler)", function()
      local v = yaml.load([[
# Sets are represented as a
# Mapping where each key is
# associated with a null value
--- !!set
? Mark McGwire
? Sammy Sosa
? Ken Griff
]], { tags = { ["!!set"] = function(m) return m end } })
      assert.same({ ["Mark McGwire"] = null, ["Sammy Sosa"] = null, ["Ken Griff"] = null }, v)
   end)

   it("2.26 Ordered Mappings (!!omap, with a handler)", function()
      local v = yaml.load([[
# Ordered maps are represented as
# A sequence of mappings, with
# each mapping having one key
--- !!omap
- Mark McGwire: 65
- Sammy Sosa: 63
- Ken Griffy: 58
]], { tags = { ["!!omap"] = function(list)
         local order = {}
         for i, pair in ipairs(list) do
            order[i] = next(pair)
         end
         return order
      end } })
      assert.same({ "Mark McGwire", "Sammy Sosa", "Ken Griffy" }, v)
   end)

   it("2.27 Invoice", function()
      local v = yaml.load([[
--- !<tag:clarkevans.com,2002:invoice>
invoice: 34843
date   : 2001-01-23
bill-to: &id001
    given  : Chris
    family : Dumars
    address:
        lines: |
            458 Walkman Dr.
            Suite #292
        city    : Royal Oak
        state   : MI
        postal  : 48046
ship-to: *id001
product:
    - sku         : BL394D
      quantity    : 4
      description : Basketball
      price       : 450.00
    - sku         : BL4438H
      quantity    : 1
      description : Super Hoop
      price       : 2392.00
tax  : 251.42
total: 4443.52
comments:
    Late afternoon is best.
    Backup contact is Nancy
    Billsmer @ 338-4338.
]], { tags = { ["tag:clarkevans.com,2002:invoice"] = function(m) return m end } })
      local bill = {
         given = "Chris", family = "Dumars",
         address = { lines = "458 Walkman Dr.\nSuite #292\n", city = "Royal Oak", state = "MI", postal = 48046 },
      }
      assert.same({
         invoice = 34843, date = "2001-01-23", ["bill-to"] = bill, ["ship-to"] = bill,
         product = {
            { sku = "BL394D", quantity = 4, description = "Basketball", price = 450.0 },
            { sku = "BL4438H", quantity = 1, description = "Super Hoop", price = 2392.0 },
         },
         tax = 251.42, total = 4443.52,
         comments = "Late afternoon is best. Backup contact is Nancy Billsmer @ 338-4338.",
      }, v)
      assert.equal(v["bill-to"], v["ship-to"])
      assert.equal("float", math.type(v.product[1].price))
   end)

   it("2.28 Log File", function()
      assert.same({
         { Time = "2001-11-23 15:01:42 -5", User = "ed",
           Warning = "This is an error message for the log file" },
         { Time = "2001-11-23 15:02:31 -5", User = "ed", Warning = "A slightly different error message." },
         { Date = "2001-11-23 15:03:17 -5", User = "ed", Fatal = 'Unknown variable "bar"',
           Stack = {
              { file = "TopClass.py", line = 23, code = 'x = MoreObject("345\\n")\n' },
              { file = "MoreClass.py", line = 58, code = "foo = bar" },
           } },
      }, yaml.load_all([[
---
Time: 2001-11-23 15:01:42 -5
User: ed
Warning:
  This is an error message
  for the log file
---
Time: 2001-11-23 15:02:31 -5
User: ed
Warning:
  A slightly different error
  message.
---
Date: 2001-11-23 15:03:17 -5
User: ed
Fatal:
  Unknown variable "bar"
Stack:
  - file: TopClass.py
    line: 23
    code: |
      x = MoreObject("345\n")
  - file: MoreClass.py
    line: 58
    code: |-
      foo = bar
]]))
   end)
end)
