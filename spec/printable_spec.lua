-- SPDX-License-Identifier: MIT
-- Text from the data never drives the terminal nor forges a line of parley's output: control
-- characters are shown as escapes a reader can see and continuation lines are indented
-- (parley.text.printable), in the text report, `parley query`, `parley claims`, `parley diff`
-- and validation errors; and no CSV cell from the data starts like a formula.
local parley = require "parley"
local json = require "parley.json"
local text = require "parley.text"
local export = require "parley.export"
local support = require "support"

local OSC_LINK = "\27]8;;http://evil.example/\7click me\27]8;;\7"
local TITLE = "\27]0;pwned\7"
local CLEAR = "\27[2J\27[H"
local CSI_8BIT = "\194\155" .. "31m" -- U+009B, the one-character CSI

-- No byte a terminal acts on: C0 (but tabs and the line breaks parley writes), DEL, C1 as UTF-8.
local function assert_inert(s)
   assert.is_nil(s:find("[%z\1-\8\11-\31\127]"), "a control character in: " .. s)
   assert.is_nil(s:find("\194[\128-\159]"), "a C1 control in: " .. s)
end

local DATASET = {
   parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan " .. TITLE } },
   sources = { { id = "s1", title = "Statement", party = "ARM" } },
   claims = { { id = "c1", claimant = "ARM", source = "s1", as_of = "2021-06", subject = "detainees",
      holder = "AZE", about = "ARM", count = { best = 200 }, text = "we say " .. OSC_LINK .. CLEAR .. CSI_8BIT } },
   exchanges = { { id = "x1", date = "2021-06-12", place = "border\n[critical] forged exchange" .. CLEAR,
      transfers = { { from = "AZE", to = "ARM", detainees = { count = 15 } } } } },
}

local FORGER = [[
return { id = "forger", version = "1", description = "hostile messages", severity = "low",
   run = function(ctx)
      ctx:finding{ message = "gap\n[critical] forged: everything is fine\27[2K", evidence = { claims = { "c1" } } }
      ctx:finding{ message = "\t=HYPERLINK(\"http://x\")", evidence = {} }
      ctx:finding{ message = "\r=1+2", evidence = {} }
   end }
]]

local function project()
   local dir = support.tmpname("printable")
   assert(os.execute("mkdir -p " .. support.quote(dir)))
   -- YAML takes a C1 control only as an escape
   support.write(dir .. "/data.yaml", (json.encode(DATASET):gsub("\194\155", "\\u009b")))
   support.write(dir .. "/forger.lua", FORGER)
   support.write(dir .. "/parley.yaml",
      "parley: 1\nstore: store.db\ndata: [data.yaml]\nrules:\n  - script: forger.lua\n")
   return dir
end

describe("parley.text.printable", function()
   it("shows ESC, BEL, OSC and CSI sequences as escapes, C1 controls and stray bytes too", function()
      assert.equal("a\\e]0;pwned\\ab", text.printable("a" .. TITLE .. "b"))
      assert.equal("\\e[2J\\e[H", text.printable(CLEAR))
      assert.equal("\\u{9b}31m", text.printable(CSI_8BIT))
      assert.equal("\\x9b\\xff", text.printable("\155\255"))
      assert.equal("\\0\\x7f\\r\\b", text.printable("\0\127\r\8"))
      assert.equal("rtl \\u{202e}txt\\u{2028}", text.printable("rtl \226\128\174txt\226\128\168"))
      assert.equal("Հովհաննես ☃ ok", text.printable("Հովհաննես ☃ ok"))
   end)

   it("indents a continuation line, or shows the break in a table cell", function()
      assert.equal("gap\n  [critical] forged", text.printable("gap\n[critical] forged"))
      assert.equal("gap\n    [critical]", text.printable("gap\n[critical]", "    "))
      assert.equal("a\\nb\\tc", text.printable("a\nb\tc", false))
      assert.equal("a\tb", text.printable("a\tb"))
   end)
end)

describe("printing data", function()
   local dir
   setup(function()
      dir = project()
   end)

   it("the text report cannot be made to forge a line or send escapes, on stdout and in a file", function()
      local code, out, err = support.parley("reconcile", dir .. "/parley.yaml")
      assert.equal(0, code, err)
      assert_inert(out)
      for line in out:gmatch("[^\n]+") do
         assert.is_nil(line:match("^%[critical%]"), "a forged line: " .. line)
         assert.is_nil(line:match("^%[exchange%] forged"), line)
      end
      assert.matches("%[low%] forger: gap\n    %[critical%] forged: everything is fine\\e%[2K", out)
      assert.matches("border\n    %[critical%] forged exchange\\e%[2J", out)
      local written_code, _, written_err = support.parley("report", dir .. "/store.db", "latest", "--format",
         "text", "--out", dir .. "/r.txt")
      assert.equal(0, written_code, written_err)
      local written = support.read(dir .. "/r.txt")
      assert_inert(written)
      assert.matches("\n    %[critical%] forged", written)
      -- the Markdown report is read in terminals too
      local md_code, md, md_err = support.parley("report", dir .. "/store.db", "latest", "--format", "markdown")
      assert.equal(0, md_code, md_err)
      assert_inert(md)
      assert.matches("everything is fine\\e\\[2K", md, 1, true) -- "[" escaped for Markdown
      local html_code, html, html_err = support.parley("report", dir .. "/store.db", "latest", "--format", "html")
      assert.equal(0, html_code, html_err)
      assert_inert(html)
      assert.matches("everything is fine\\e[2K", html, 1, true)
   end)

   it("parley claims and parley query show the claim's text with its escapes visible", function()
      local code, out, err = support.parley("claims", dir .. "/store.db")
      assert.equal(0, code, err)
      assert_inert(out)
      assert.matches("we say \\e]8;;http://evil", out, 1, true)
      code, out, err = support.parley("query", dir .. "/store.db",
         "SELECT claims.text, place, name FROM claims, exchanges, parties WHERE parties.id = 'AZE'")
      assert.equal(0, code, err)
      assert_inert(out)
      assert.matches("\\u{9b}31m", out, 1, true)
      assert.matches("border\\n[critical] forged exchange\\e[2J", out, 1, true)
      assert.matches("Azerbaijan \\e]0;pwned\\a", out, 1, true)
      assert.equal(2 + 1 + 1, select(2, out:gsub("\n", "")))
   end)

   it("validation errors quote the data with its escapes visible", function()
      local bad = support.write(dir .. "/bad.yaml",
         "parley: 1\nparties:\n  - {id: ARM, name: A, \"k\\e]0;x\\a\": 1}\n" ..
         "  - {id: \"A\\e[2J\\nB\", name: B}\n")
      local code, _, err = support.parley("validate", bad)
      assert.equal(3, code)
      assert_inert(err)
      assert.matches("\\e]0;x\\a", err, 1, true)
   end)

   it("no CSV cell from the data starts with a tab or a carriage return (or = + - @)", function()
      local code, out, err = support.parley("report", dir .. "/store.db", "latest", "--format", "csv")
      assert.equal(0, code, err)
      assert.matches("'\t=HYPERLINK", out, 1, true)
      assert.matches("\"'\r=1+2\"", out, 1, true)
      assert.equal("'\t=1", text.csv_field("\t=1"))
      assert.equal("\"'\r=1\"", text.csv_field("\r=1"))
      assert.equal("'-1", text.csv_field(-1))
      local db = assert(parley.open(":memory:"))
      local d = json.decode(json.encode(DATASET))
      d.claims[1].text = "\t=cmd|' /C calc'!A0"
      assert(db:import(d))
      local csv = assert(export.csv(db, "claims"))
      assert.matches(",'\t=cmd", csv, 1, true)
      db:close()
   end)
end)
