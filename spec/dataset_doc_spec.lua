-- SPDX-License-Identifier: MIT
-- docs/dataset.md's table of the default vocabulary is parley.terms.DEFAULT: this spec fails
-- when they disagree, and prints the table the document should have.
local terms = require "parley.terms"
local support = require "support"

local BEGIN = "<!-- the default vocabulary: parley.terms.DEFAULT, checked by spec/dataset_doc_spec.lua -->\n"
local END = "<!-- end of the default vocabulary -->"

local function sorted(t)
   local out = {}
   for k in pairs(t) do out[#out + 1] = k end
   table.sort(out)
   return out
end

local function words(list)
   local out = {}
   for i, w in ipairs(list or {}) do out[i] = "`" .. w .. "`" end
   return table.concat(out, ", ")
end

-- The tables as the document writes them.
local function tables(v)
   local out = { "| subject | kind | synonyms |", "|---|---|---|" }
   for _, name in ipairs(sorted(v.subjects)) do
      local e = v.subjects[name]
      out[#out + 1] = string.format("| `%s` | %s | %s |", name, e.kind, words(e.synonyms))
   end
   out[#out + 1] = ""
   out[#out + 1] = "| scope tag | synonyms |"
   out[#out + 1] = "|---|---|"
   for _, name in ipairs(sorted(v.scopes)) do
      out[#out + 1] = string.format("| `%s` | %s |", name, words(v.scopes[name].synonyms))
   end
   return table.concat(out, "\n") .. "\n"
end

describe("docs/dataset.md", function()
   it("lists the default vocabulary as parley.terms.DEFAULT has it", function()
      local doc = support.read(support.top .. "/docs/dataset.md")
      local first = assert(doc:find(BEGIN, 1, true), "docs/dataset.md has no default vocabulary table")
      local last = assert(doc:find(END, first, true))
      local expected = tables(terms.DEFAULT)
      assert.equal(expected, doc:sub(first + #BEGIN, last - 1),
         "docs/dataset.md's default vocabulary should read:\n" .. expected)
   end)

   it("would fail on a subject the table leaves out or a kind it gets wrong", function()
      local changed = { subjects = {}, scopes = terms.DEFAULT.scopes }
      for k, e in pairs(terms.DEFAULT.subjects) do changed.subjects[k] = e end
      changed.subjects.talks_held = { kind = "stock" }
      assert.not_equal(tables(terms.DEFAULT), tables(changed))
   end)
end)
