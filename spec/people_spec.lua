-- SPDX-License-Identifier: MIT
-- People (docs/people.md): entries of lists, transfers and person records resolved into one
-- identity per person across scripts; reviewers' decisions that join, separate and supersede;
-- stable ids; a person's timeline and status; `parley people`, `person` and `review`.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"
local fixtures = require "fixtures"

local base = fixtures.people

local function store_of(...)
   local path = support.tmpname("people.db")
   local db = assert(parley.open(path))
   for _, d in ipairs({ ... }) do assert(db:import(d)) end
   return db, path
end

local function person_of(db, entry)
   local p = db:person(entry)
   return p and p.id
end

local function decisions(list)
   return { parley = 1, identities = list }
end

describe("people", function()
   it("one person across three scripts, a list and an exchange, transitively", function()
      local db = store_of(base())
      local p = assert(db:person("icrc-2021-07#1"))
      assert.equal("arm-2021-05#1", p.id)
      assert.same({ "Davit Sargsyan", "Давид Саргсян", "Դավիթ Սարգսյան" }, p.names)
      assert.equal(4, #p.entries)
      assert.equal(p.id, person_of(db, "aze-2021-05#1"))
      assert.equal(p.id, person_of(db, "2021-06-12-agdam/transfers[1].detainees#1"))
      db:close()
   end)

   it("says which list holds two people apart the same way every run: the first of those both are on", function()
      local people = require "parley.people"
      -- two people on the lists zeta and alpha, of one given name: the link between the
      -- two would put two entries of each list in one person
      local entries, groups = {}, {}
      for _, gid in ipairs({ "zeta", "alpha" }) do
         local g = { id = gid, entries = {} }
         for i, name in ipairs({ "Anahit Bagdasaryan", "Anahit Petrosyan" }) do
            local e = { id = gid .. "#" .. i, kind = "list", names = { name }, group = gid, list = gid }
            g.entries[i], entries[#entries + 1] = e, e
         end
         groups[#groups + 1] = g
      end
      local r = people.cluster(entries, groups, {}, { threshold = 0.5, review = 0.3 })
      assert.equal(2, #r.people)
      local reasons = {}
      for _, l in ipairs(r.links) do
         if l.held_apart then reasons[#reasons + 1] = l.held_apart end
      end
      assert.is_true(#reasons > 0)
      for _, why in ipairs(reasons) do assert.equal("both in alpha", why) end
   end)

   it("says a link is held apart by the first birth years that differ, in the order the entries joined", function()
      local people = require "parley.people"
      -- four namesakes of 1990 and 1991 (each year twice: a cluster keeps each year once)
      -- join; one of 1988 scores 0.95 against the 1990s, and the years hold it apart
      local entries, groups = {}, {}
      local years = { a = 1990, b = 1990, c = 1991, d = 1991, z = 1988 }
      for _, id in ipairs({ "a", "b", "c", "d", "z" }) do
         local e = { id = id, kind = "list", names = { "Armen Sargsyan" }, group = "list-" .. id, list = "list-" .. id,
            born = years[id] }
         entries[#entries + 1] = e
         groups[#groups + 1] = { id = "list-" .. id, entries = { e } }
      end
      local r = people.cluster(entries, groups, {}, {})
      assert.same({ 4, 1 }, { #r.by_entry.a.entries, #r.by_entry.z.entries })
      local why = {}
      for _, l in ipairs(r.links) do
         if l.b == "z" then why[l.a] = l.held_apart or "uncertain" end
      end
      assert.same({ a = "born 1990 and 1988", b = "born 1990 and 1988", c = "uncertain", d = "uncertain" }, why)
   end)

   it("never makes two entries of one list one person", function()
      local d = base()
      -- two namesakes on ARM's list, spelled two ways; AZE spells the first one's way, the ICRC
      -- the second's: the links arm#1-aze#1, arm#5-icrc#1 and aze#1-icrc#1 would make one person
      d.lists[1].persons[1].name = "Davit Sarkisyan"
      d.lists[2].persons[1].name = "Давид Саркисян"
      d.lists[1].persons[5] = { name = "Դավիթ Սարգսյան" }
      local db = store_of(d)
      assert.not_equal(person_of(db, "arm-2021-05#1"), person_of(db, "arm-2021-05#5"))
      assert.equal(person_of(db, "arm-2021-05#1"), person_of(db, "aze-2021-05#1"))
      assert.equal(person_of(db, "arm-2021-05#5"), person_of(db, "icrc-2021-07#1"))
      db:close()
   end)

   it("keeps namesakes apart when their fathers' names or birth years differ, even through a third entry", function()
      local d = base()
      d.lists[1].persons[5] = { name = "Мовсисян Левон Ваганович" }
      d.lists[2].persons[5] = { name = "Levon Movsisyan" }
      d.lists[3].persons[2] = { name = "Мовсисян Левон Гагикович" }
      d.lists[1].persons[6] = { name = "Narek Hovhannisyan", born = 1981 }
      d.lists[2].persons[6] = { name = "Narek Hovhannisyan" }
      d.lists[3].persons[3] = { name = "Нарек Оганесян", born = 1994 }
      local db = store_of(d)
      assert.not_equal(person_of(db, "arm-2021-05#5"), person_of(db, "icrc-2021-07#2"))
      assert.not_equal(person_of(db, "arm-2021-05#6"), person_of(db, "icrc-2021-07#3"))
      -- the entry without a patronymic joins one of them, and the other pair is left for review
      local p = db:person("aze-2021-05#5")
      assert.is_true(p.id == person_of(db, "arm-2021-05#5") or p.id == person_of(db, "icrc-2021-07#2"))
      db:close()
   end)

   it("keeps a pair in the review band uncertain, never merged", function()
      local db = store_of(base())
      assert.not_equal(person_of(db, "arm-2021-05#2"), person_of(db, "aze-2021-05#2"))
      local p = db:person("arm-2021-05#2")
      assert.equal(1, #p.uncertain)
      assert.equal("aze-2021-05#2", p.uncertain[1].other_entry)
      db:close()
   end)

   it("a decision joins, another separates, a later one supersedes", function()
      local db = store_of(base(), decisions({
         { same = { "arm-2021-05#3", "aze-2021-05#3" }, by = "A. Analyst", on = "2026-11-30", note = "same unit" },
         { different = { "arm-2021-05#4", "aze-2021-05#4" }, by = "A. Analyst", on = "2026-11-30" },
      }))
      assert.equal(person_of(db, "arm-2021-05#3"), person_of(db, "aze-2021-05#3"))
      assert.not_equal(person_of(db, "arm-2021-05#4"), person_of(db, "aze-2021-05#4"))
      db:close()
      -- Hakobyan and Акопян match by name; the decision kept them apart; a later one joins them
      local db2 = store_of(base(), decisions({
         { id = "d-1", different = { "arm-2021-05#4", "aze-2021-05#4" }, by = "A. Analyst", on = "2026-11-30" },
      }), decisions({
         { same = { "arm-2021-05#4", "aze-2021-05#4" }, by = "B. Reviewer", on = "2026-12-01", supersedes = "d-1" },
      }))
      assert.equal(person_of(db2, "arm-2021-05#4"), person_of(db2, "aze-2021-05#4"))
      db2:close()
   end)

   it("refuses conflicting decisions, naming both", function()
      local db = store_of(base())
      local ok, err = db:import(decisions({
         { id = "d-same", same = { "arm-2021-05#4", "aze-2021-05#4" }, by = "A", on = "2026-11-30" },
         { id = "d-diff", different = { "aze-2021-05#4", "arm-2021-05#4" }, by = "B", on = "2026-11-30" },
      }))
      assert.is_nil(ok)
      assert.truthy(err:find("d-same", 1, true) and err:find("d-diff", 1, true), err)
      db:close()
   end)

   it("refuses a decision about an entry that does not exist", function()
      local db = store_of(base())
      local ok, err = db:import(decisions({
         { same = { "arm-2021-05#9", "aze-2021-05#1" }, by = "A", on = "2026-11-30" },
      }))
      assert.is_nil(ok)
      assert.truthy(err:find("names 4 persons: there is no entry arm-2021-05#9", 1, true), err)
      ok, err = db:import(decisions({ { same = { "aze-2021-05#1" }, by = "A", on = "2026-11-30" } }))
      assert.is_nil(ok)
      assert.truthy(err:find("at least two different entries", 1, true), err)
      db:close()
   end)

   it("gives stable ids: adding unrelated data changes no one's id", function()
      local db = store_of(base())
      local before = {}
      for p in db:people() do before[#before + 1] = p.id .. "=" .. table.concat(p.names, "/") end
      assert(db:import({ parley = 1, lists = { { id = "aze-2022-01", claimant = "AZE", holder = "AZE",
         subject = "detainees", as_of = "2022-01", persons = { { name = "Elvin Mammadov" } } } } }))
      local after = {}
      for p in db:people() do
         if p.id ~= "aze-2022-01#1" then after[#after + 1] = p.id .. "=" .. table.concat(p.names, "/") end
      end
      assert.same(before, after)
      db:close()
   end)

   it("tells a person's story: timeline in date order and status by holder", function()
      local db = store_of(base())
      local p = db:person("arm-2021-05#1")
      local kinds = {}
      for i, ev in ipairs(p.timeline) do kinds[i] = ev.kind .. " " .. (ev.date or "") end
      assert.same({ "listed 2021-05", "listed 2021-05-20", "released 2021-06-12", "listed 2021-07" }, kinds)
      assert.equal(1, #p.status)
      assert.equal("released, still listed", p.status[1].state)
      assert.truthy(p.status[1].text:find("released 2021-06-12 in 2021-06-12-agdam", 1, true))
      db:close()
   end)

   it("filters people by name in any script, list and exchange", function()
      local db = store_of(base())
      local found = {}
      for p in db:people({ name = "Давид Саргсян" }) do found[#found + 1] = p.id end
      assert.same({ "arm-2021-05#1" }, found)
      local n = 0
      for _ in db:people({ exchange = "2021-06-12-agdam" }) do n = n + 1 end
      assert.equal(1, n)
      n = 0
      for _ in db:people({ list = "icrc-2021-07" }) do n = n + 1 end
      assert.equal(1, n)
      assert.has_error(function() db:people({ nmae = "x" }) end)
      db:close()
   end)
end)

describe("parley people, person and review", function()
   local path
   setup(function()
      local db
      db, path = store_of(base())
      db:close()
   end)

   it("people lists every person, as text, json and csv", function()
      local code, out = support.parley("people", path)
      assert.equal(0, code)
      assert.truthy(out:find("Davit Sargsyan / Давид Саргсян / Դավիթ Սարգսյան", 1, true))
      code, out = support.parley("people", path, "--format", "json")
      assert.equal(0, code)
      local first = json.decode(out:match("^[^\n]+"))
      assert.is_string(first.id)
      code, out = support.parley("people", path, "--format=csv", "--uncertain")
      assert.equal(0, code)
      assert.truthy(out:find("^person,names,entries,uncertain\r\n"))
   end)

   it("person tells the story, by id or by name", function()
      local code, out = support.parley("person", path, "Դավիթ Սարգսյան")
      assert.equal(0, code)
      assert.truthy(out:find("released by AZE to ARM in 2021-06-12-agdam", 1, true), out)
      assert.truthy(out:find("status (AZE)", 1, true))
      code = support.parley("person", path, "Nobody Atall")
      assert.equal(3, code)
   end)

   it("review --export and --import go through a spreadsheet", function()
      local csv = support.tmpname("pairs.csv")
      local code, out = support.parley("review", path, "--export", csv)
      assert.equal(0, code, out)
      local content = support.read(csv)
      assert.truthy(content:find("arm-2021-05#2", 1, true))
      support.write(csv, (content:gsub("\r\n,", "\r\nsame,", 1)))
      local decided = support.tmpname("decisions.yaml")
      code, out = support.parley("review", path, "--import", csv, "--out", decided, "--by", "A. Analyst")
      assert.equal(0, code, out)
      local db = assert(parley.open(path))
      assert(db:import(decided))
      assert.equal(person_of(db, "arm-2021-05#2"), person_of(db, "aze-2021-05#2"))
      db:close()
   end)

   it("#terminal review is driven key by key in a real terminal", function()
      local db2, path2 = store_of(base())
      db2:close()
      local decided = support.tmpname("tty-decisions.yaml")
      local session = "parley-review-" .. tostring(os.time()) .. tostring(math.random(1000000))
      local cmd = string.format("cd %s && . tools/env.sh && bin/parley review %s --out %s --by Tester; sleep 60",
         support.quote(support.top), support.quote(path2), support.quote(decided))
      assert.equal(0, (support.sh(string.format("tmux new-session -d -s %s -x 160 -y 50 %s", session,
         support.quote(cmd)))))
      local function screen()
         local _, s = support.sh("tmux capture-pane -p -t " .. session)
         return s
      end
      local function wait_for(pattern)
         for _ = 1, 50 do
            local s = screen()
            if s:find(pattern, 1, true) then return s end
            os.execute("sleep 0.1")
         end
         return screen()
      end
      local s = wait_for("[s]ame")
      assert.truthy(s:find("Karen Mkrtchyan", 1, true), s)
      assert.truthy(s:find("Garik Mkrtchyan", 1, true), s)
      support.sh("tmux send-keys -t " .. session .. " d")
      wait_for("> different")
      support.sh("tmux send-keys -t " .. session .. " u")
      wait_for("undone")
      support.sh("tmux send-keys -t " .. session .. " s")
      wait_for("> same")
      support.sh("tmux send-keys -t " .. session .. " q")
      s = wait_for("written to")
      support.sh("tmux kill-session -t " .. session)
      assert.truthy(s:find("decision", 1, true), s)
      local written = support.read(decided)
      assert.truthy(written:find("same: %[\"arm%-2021%-05#2\", \"aze%-2021%-05#2\"%]"), written) -- ids in order
      assert.is_nil(written:find("different", 1, true), "the undone decision is not written")
      local db = assert(parley.open(path2))
      assert(db:import(decided))
      assert.equal(person_of(db, "arm-2021-05#2"), person_of(db, "aze-2021-05#2"))
      db:close()
   end)
end)
