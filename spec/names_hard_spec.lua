-- SPDX-License-Identifier: MIT
-- bench/names_hard.tsv: the hand-written, held-out evaluation set of real-world name spellings
-- (read by bench/names_hard.lua). These tests check the file's shape and the pairs it yields,
-- not the matcher's scores on them.
local support = require "support"

local hard = dofile(support.top .. "/bench/names_hard.lua")
local path = support.top .. "/bench/names_hard.tsv"
local records = hard.load(path)

local function set_of(list)
   local s = {}
   for _, v in ipairs(list) do s[v] = true end
   return s
end

local function count(t)
   local n = 0
   for _ in pairs(t) do n = n + 1 end
   return n
end

-- The scripts of the letters of one word: "latin", "cyrillic", other scripts ignored.
local function scripts(word)
   local s = {}
   for _, c in utf8.codes(word) do
      if (c >= 0x41 and c <= 0x5A) or (c >= 0x61 and c <= 0x7A) or (c >= 0xC0 and c <= 0x24F and c ~= 0xD7
            and c ~= 0xF7) then
         s.latin = true
      elseif c >= 0x400 and c <= 0x4FF then
         s.cyrillic = true
      end
   end
   return s
end

describe("bench/names_hard.tsv", function()
   it("has the documented columns on every line, unique record ids named after their person", function()
      -- hard.load raises on a wrong header, a line with another number of columns, a year that
      -- is not an integer or a canon that is not Given|Father|Surname
      local seen = {}
      for _, r in ipairs(records) do
         assert.is_nil(seen[r.record], "duplicate record " .. tostring(r.record))
         seen[r.record] = true
         assert.equal(r.person, r.record:match("^(.-)%.%d+$"), "record " .. r.record)
         for _, c in ipairs({ "person", "group", "nation", "system", "category", "name", "canon", "shows" }) do
            assert.truthy(r[c], "record " .. r.record .. " has no " .. c)
         end
      end
   end)

   it("holds at least 150 people and 700 records, of every nation and every category", function()
      local people, nations, categories = {}, {}, {}
      for _, r in ipairs(records) do
         people[r.person], nations[r.nation], categories[r.category] = true, true, true
      end
      assert.is_true(#records >= 700, #records .. " records")
      assert.is_true(count(people) >= 150, count(people) .. " people")
      assert.same(set_of(hard.nations), nations)
      assert.same(set_of(hard.categories), categories)
   end)

   it("keeps a person in one group with one canon, a group in one nation and category", function()
      local of_person, of_group = {}, {}
      for _, r in ipairs(records) do
         local canon = r.canon.given .. "|" .. (r.canon.father or "") .. "|" .. r.canon.surname
         local p = of_person[r.person] or { group = r.group, canon = canon, born = {} }
         of_person[r.person] = p
         assert.equal(p.group, r.group, r.record)
         assert.equal(p.canon, canon, r.record)
         if r.born then p.born[#p.born + 1] = r.born end
         local g = of_group[r.group] or { nation = r.nation, category = r.category }
         of_group[r.group] = g
         assert.equal(g.nation, r.nation, r.record)
         assert.equal(g.category, r.category, r.record)
      end
      for person, p in pairs(of_person) do
         if #p.born > 0 then
            assert.is_true(math.max(table.unpack(p.born)) - math.min(table.unpack(p.born)) <= 1,
               person .. ": years of birth more than one apart")
         end
      end
   end)

   it("uses only the documented systems, roles and shows letters", function()
      local f = assert(io.open(path, "rb"))
      local header = f:read("a"):match("^(.-)\nrecord\t")
      f:close()
      for _, r in ipairs(records) do
         assert.truthy(header:find("\n#%s+" .. r.system:gsub("%-", "%%-") .. "%s"),
            r.record .. ": system " .. r.system .. " is not documented in the header")
         assert.truthy(r.role == nil or r.role == "soldier" or r.role == "civilian", r.record)
         assert.truthy(r.shows:match("^[gi]p?[sx]$"), r.record .. ": shows " .. r.shows)
      end
   end)

   it("mixes Latin and Cyrillic inside a word in the homoglyph records, and only there", function()
      local mixed = 0
      for _, r in ipairs(records) do
         local any = false
         for word in r.name:gmatch("%S+") do
            local s = scripts(word)
            any = any or (s.latin and s.cyrillic) or false
         end
         assert.equal(r.system == "homoglyph", any, r.record .. " " .. r.name)
         if any then mixed = mixed + 1 end
      end
      assert.is_true(mixed >= 10)
   end)

   it("gives every group a positive pair and a hard negative that the records can decide", function()
      local pos, neg = {}, {}
      for _, p in ipairs(hard.pairs(records)) do
         if p.kind == "positive" then pos[p.a.group] = true end
         if p.kind == "hard" then neg[p.a.group] = true end
      end
      for _, r in ipairs(records) do
         assert.truthy(pos[r.group], r.group .. " has no positive pair")
         assert.truthy(neg[r.group], r.group .. " has no decidable hard negative")
      end
   end)

   it("does not count a negative pair that no one could decide from the records", function()
      local function rec(canon, shows, born, father)
         local given, dad, surname = canon:match("^(.-)|(.-)|(.-)$")
         return { canon = { given = given, father = dad ~= "" and dad or nil, surname = surname }, shows = shows,
            born = born, father = father }
      end
      -- namesakes with nothing that differs on the page
      assert.is_nil(hard.decidable(rec("Elvin|Rashad|Aliyev", "gs", 1993), rec("Elvin|Vugar|Aliyev", "gs", 1993)))
      -- an initial that fits both brothers, no year on one side
      assert.is_nil(hard.decidable(rec("Armen|Tigran|Hakobyan", "is"), rec("Arsen|Tigran|Hakobyan", "gs", 1993)))
      -- one year apart is the same person as often as not
      assert.is_nil(hard.decidable(rec("Emin|Arif|Hasanov", "is", 1995), rec("Elvin|Arif|Hasanov", "is", 1996)))
      -- one part of a married name against the other woman's single surname
      assert.is_nil(hard.decidable(rec("Yelena|Ivan|Sokolova-Avetisyan", "gx"), rec("Yelena|Ivan|Sokolova", "gs")))
      assert.equal("father", hard.decidable(rec("Elvin|Rashad|Aliyev", "gps", 1993),
         rec("Elvin|Vugar|Aliyev", "gs", 1993, "Vüqar")))
      assert.equal("initial", hard.decidable(rec("Samvel|Ashot|Hakobyan", "is"), rec("Armen|Tigran|Hakobyan", "gs")))
      assert.equal("year of birth", hard.decidable(rec("Gor|Ashot|Martirosyan", "gs", 1999),
         rec("Gor|Ashot|Martirosyan", "gs", 1997)))
      assert.equal("surname", hard.decidable(rec("Aram|Tigran|Ghazaryan", "gs"), rec("Aram|Tigran|Nazaryan", "gs")))
      local undecidable = 0
      for _, p in ipairs(hard.pairs(records)) do
         if p.kind == "undecidable" then
            undecidable = undecidable + 1
            assert.is_false(p.positive)
         end
      end
      assert.is_true(undecidable > 0)
   end)

   it("samples the same easy negatives, decidable pairs across groups, on every run", function()
      local function easy()
         local out = {}
         for _, p in ipairs(hard.pairs(records)) do
            if p.kind == "easy" then
               assert.are_not.equal(p.a.group, p.b.group)
               assert.truthy(hard.decidable(p.a, p.b))
               out[#out + 1] = p.a.record .. "/" .. p.b.record
            end
         end
         return out
      end
      local first = easy()
      assert.equal(hard.easy_sample, #first)
      assert.same(first, easy())
   end)
end)
