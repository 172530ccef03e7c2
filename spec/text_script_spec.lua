-- SPDX-License-Identifier: MIT
-- parley.text.script (src/text_script.c): the script column every imported name gets.
local text = require "parley.text"

describe("text.script", function()
   it("names the script of a name written in one", function()
      assert.equal("Latin", text.script("Hovhannes Avetisyan"))
      assert.equal("Latin", text.script("Əliyev Ərtoğrul")) -- ə is U+0259, among the IPA letters
      assert.equal("Latin", text.script("Ḁ")) -- Latin Extended Additional
      assert.equal("Cyrillic", text.script("Аветисян Ованес"))
      assert.equal("Armenian", text.script("Հովհաննես Ավետիսյան"))
      assert.equal("Armenian", text.script("ﬓ")) -- an Armenian ligature, U+FB13
      assert.equal("Georgian", text.script("გიორგი ბერიძე"))
      assert.equal("Greek", text.script("Ωμέγα"))
      assert.equal("Arabic", text.script("علی"))
   end)

   it("counts letters only: digits, blanks, punctuation and marks of ASCII and Latin-1 do not count", function()
      assert.equal("Cyrillic", text.script("Петросян-2 (1990)"))
      assert.equal("Latin", text.script("O'Neil \u{00B7} 1"))
      assert.equal("unknown", text.script("12 / 3"))
      assert.equal("unknown", text.script(""))
      assert.equal("unknown", text.script("\u{00B7}\u{00BF}"))
   end)

   it("says mixed for letters of two scripts, other for a script it does not name", function()
      assert.equal("mixed", text.script("Petrosян"))
      assert.equal("mixed", text.script("Петросян Petros"))
      assert.equal("other", text.script("李"))
      assert.equal("mixed", text.script("李 Li"))
   end)

   it("says unknown for bytes that are not UTF-8, as Lua's utf8.len decides", function()
      assert.equal("unknown", text.script("Pet\255ros"))
      assert.equal("unknown", text.script("\192\128")) -- an overlong NUL
      assert.equal("unknown", text.script("\237\160\128")) -- a surrogate
      assert.equal("unknown", text.script("\244\144\128\128")) -- above U+10FFFF
      assert.equal("unknown", text.script("Петр\208")) -- cut in the middle of a letter
   end)

   it("gives what the store keeps for each name of an import", function()
      local db = assert(require("parley").open(":memory:"))
      assert(db:import({
         parties = { { id = "A", name = "A" }, { id = "B", name = "B" } },
         sources = { { id = "s", title = "t", party = "A", published = "2021", reliability = "B" } },
         lists = { { id = "l", claimant = "A", holder = "B", about = "A", as_of = "2021", subject = "detainees",
            source = "s",
            persons = { { name = "Аветисян Ованес" }, { name = "Ավետիսյան" }, { name = "Avetisyan" } } } },
      }, { name = "t" }))
      local scripts = {}
      for r in db:query("SELECT script FROM entries ORDER BY position") do scripts[#scripts + 1] = r.script end
      assert.same({ "Cyrillic", "Armenian", "Latin" }, scripts)
   end)
end)
