-- SPDX-License-Identifier: MIT
-- The stored resolution of people (docs/people.md#stored-resolutions): stored with its
-- resolver, parameters, decisions and inputs, read back when current, re-resolved only where
-- new entries fall, resolved once per run for the rules that need people, and named by the
-- run and its report.
local parley = require "parley"
local people = require "parley.people"
local json = require "parley.json"
local yaml = require "parley.yaml"
local support = require "support"
local fixtures = require "fixtures"

local base = fixtures.people

-- A list of n persons whose names match no one's in base() (the from-th name on: lists from
-- different names match no one's in each other either, up to 64 names).
local function unrelated(id, n, from)
   local given = { "Tural", "Orkhan", "Elvin", "Rashad", "Farid", "Samir", "Vusal", "Anar" }
   local surname = { "Guliyev", "Aliyev", "Huseynov", "Ismayilov", "Jafarov", "Babayev", "Rzayev", "Karimov" }
   local persons = {}
   for k = 1, n do
      local i = k + (from or 1) - 1
      persons[k] = { name = given[(i - 1) % #given + 1] .. " " .. surname[((i - 1) // #given) % #surname + 1] }
   end
   return { parley = 1, lists = { { id = id, claimant = "AZE", holder = "ARM", subject = "detainees",
      as_of = "2021-08", persons = persons } } }
end

local function store_of(...)
   local path = support.tmpname("people-store.db")
   local db = assert(parley.open(path))
   for _, d in ipairs({ ... }) do assert(db:import(d)) end
   return db, path
end

-- Each person as "id: entry entry ...", sorted: what a resolution says, to compare two.
local function clusters(r)
   local out = {}
   for _, p in ipairs(r.people) do
      local ids = {}
      for i, e in ipairs(p.entries) do ids[i] = e.id end
      table.sort(ids)
      out[#out + 1] = p.id .. ": " .. table.concat(ids, " ")
   end
   table.sort(out)
   return out
end

local function uncertain(r)
   local out = {}
   for _, u in ipairs(r.uncertain) do out[#out + 1] = string.format("%s %s %.6f", u.a, u.b, u.score) end
   table.sort(out)
   return out
end

describe("the stored resolution of people", function()
   it("is known to be current without resolving again, until an import or other parameters", function()
      local db = store_of(base())
      assert.is_nil(people.current_stored(db))
      local r = people.resolution(db)
      assert.equal(r.stored, people.current_stored(db))
      assert.equal(r.stored, people.current_stored(db, { threshold = r.params.threshold }))
      assert.is_nil(people.current_stored(db, { threshold = 0.99 }))
      assert(db:import(unrelated("aze-2021-08", 3)))
      assert.is_nil(people.current_stored(db))
      db:close()
   end)

   it("is stored with its resolver, parameters, decisions and inputs, and read back while current", function()
      local db, path = store_of(base(), { parley = 1, identities = {
         { different = { "arm-2021-05#3", "aze-2021-05#3" }, by = "A. Analyst", on = "2026-11-30" } } })
      local r = people.resolution(db)
      assert.is_number(r.stored)
      assert.is_nil(r.from_store)
      local h = db:first("SELECT * FROM resolutions WHERE id = ?", r.stored)
      assert.equal(people.RESOLVER_VERSION, h.resolver)
      assert.equal(1, h.current)
      assert.same(r.params, json.decode(h.params))
      assert.equal(db:first("SELECT max(id) AS id FROM imports").id, h.imports)
      assert.same(r.decisions, json.decode(h.decisions))
      assert.equal(1, #r.decisions)
      local n = 0
      for _ in pairs(r.entries) do n = n + 1 end
      assert.equal(n, db:first("SELECT count(*) AS n FROM resolution_entries WHERE scope = ?", h.scope).n)
      assert.equal(#r.people, db:first("SELECT count(*) AS n FROM resolution_people WHERE scope = ?", h.scope).n)
      db:close()

      -- another connection, read-only: the stored resolution, nothing linked again
      local ro = assert(parley.open(path, { readonly = true }))
      local again = people.resolution(ro)
      assert.is_true(again.from_store)
      assert.equal(r.stored, again.stored)
      assert.equal(0, again.work.linked)
      assert.equal(0, again.work.compared)
      assert.same(clusters(r), clusters(again))
      assert.same(uncertain(r), uncertain(again))
      ro:close()
   end)

   it("read back while current, gives the uncertain pairs and links it stored, read only when asked for", function()
      local db, path = store_of(base())
      local r = people.resolution(db)
      local per_person = {}
      for _, p in ipairs(r.people) do per_person[p.id] = p.uncertain end
      assert.truthy(#r.uncertain > 0)
      db:close()
      local ro = assert(parley.open(path, { readonly = true }))
      local again = people.resolution(ro)
      assert.is_true(again.from_store)
      -- nothing is made before it is asked for
      assert.is_nil(rawget(again, "uncertain"))
      assert.is_nil(rawget(again, "links"))
      for _, p in ipairs(again.people) do assert.is_nil(rawget(p, "uncertain")) end
      -- a person's asked first: every one's is made, the same as computed
      for _, p in ipairs(again.people) do assert.same(per_person[p.id], p.uncertain) end
      assert.same(r.uncertain, again.uncertain)
      -- (the links as a set: stored in their entries' order, computed in the order found)
      local function link_set(links)
         local out = {}
         for i, l in ipairs(links) do
            out[i] = string.format("%s %s %.6f %s", l.a, l.b, l.score, tostring(l.held_apart))
         end
         table.sort(out)
         return out
      end
      assert.same(link_set(r.links), link_set(again.links))
      assert.same(people.story(r.by_id[r.people[1].id]).uncertain, people.story(again.people[1]).uncertain)
      ro:close()
   end)

   it("resolves from nothing after the first import when the stored resolution has no entries", function()
      local db = store_of()
      local empty = people.resolution(db)
      assert.equal(0, #empty.people)
      assert(db:import(base()))
      local r = people.resolution(db)
      assert.is_nil(db:first("SELECT basis FROM resolutions WHERE id = ?", r.stored).basis)
      local full = people.resolution(db, { full = true })
      assert.same(clusters(full), clusters(r))
      assert.same(uncertain(full), uncertain(r))
      db:close()
   end)

   it("says so when the stored resolution changed before its links were read", function()
      local db, path = store_of(base())
      people.resolution(db)
      local ro = assert(parley.open(path, { readonly = true }))
      local stale = people.resolution(ro)
      assert(db:import(unrelated("aze-2021-08", 3)))
      people.resolution(db) -- stored again: a new current resolution
      assert.has_error(function() return stale.uncertain end,
         "the stored resolution of people changed after it was read (another import or run): read it again")
      db:close()
      ro:close()
   end)

   it("keeps a resolution for each parameter set", function()
      local db = store_of(base())
      local a = people.resolution(db)
      local b = people.resolution(db, { threshold = 0.95, review = 0.8 })
      assert.not_equal(a.stored, b.stored)
      assert.equal(2, db:first("SELECT count(*) AS n FROM resolutions WHERE current = 1").n)
      assert.equal(a.stored, people.resolution(db).stored)
      db:close()
   end)

   it("computes without storing on a connection that cannot write, when nothing current is stored", function()
      local db, path = store_of(base())
      db:close()
      local ro = assert(parley.open(path, { readonly = true }))
      local r = people.resolution(ro)
      assert.is_nil(r.stored)
      assert.equal("arm-2021-05#1", r.by_entry["icrc-2021-07#1"].id)
      assert.equal(0, ro:first("SELECT count(*) AS n FROM resolutions").n)
      ro:close()
   end)

   it("after an unrelated list, links only its names: every person keeps its id and entries", function()
      -- (a store large enough that six new entries are fewer than a third: else it is resolved
      -- from nothing, next case)
      local db = store_of(base(), unrelated("aze-2021-06", 24, 41))
      local before = people.resolution(db)
      assert(db:import(unrelated("aze-2021-08", 6)))
      local after = people.resolution(db)
      assert.is_nil(after.from_store)
      assert.equal(6, after.work.new)
      assert.equal(6, after.work.linked) -- the new entries' names, not the store's
      assert.equal(6, after.work.reclustered)
      assert.equal(before.stored, db:first("SELECT basis FROM resolutions WHERE id = ?", after.stored).basis)
      for _, p in ipairs(before.people) do
         local q = after.by_id[p.id]
         assert.is_table(q, p.id)
         assert.same(clusters({ people = { p } }), clusters({ people = { q } }))
      end
      -- what resolving everything again gives
      assert.same(clusters(people.resolution(db, { full = true })), clusters(after))
      db:close()
   end)

   it("resolves from nothing when a third of the entries or more are new", function()
      local db = store_of(base())
      local before = people.resolution(db)
      assert(db:import(unrelated("aze-2021-08", 6)))
      local after = people.resolution(db)
      local n = 0
      for _ in pairs(after.entries) do n = n + 1 end
      assert.is_true(6 >= n / 3)
      assert.equal(n, after.work.linked) -- every name, from nothing
      assert.is_nil(db:first("SELECT basis FROM resolutions WHERE id = ?", after.stored).basis)
      assert.same(clusters(people.resolution(db, { full = true })), clusters(after))
      assert.truthy(before.stored)
      db:close()
   end)

   it("does work in proportion to the new entries, not to the store", function()
      -- two lists of the same 40 persons: resolving them from nothing links each with the other
      local db = store_of(base(), unrelated("aze-2021-06", 40), unrelated("aze-2021-07", 40))
      local full = people.resolution(db)
      assert(db:import(unrelated("aze-2021-08", 2)))
      local small = people.resolution(db)
      assert(db:import(unrelated("aze-2021-09", 8)))
      local larger = people.resolution(db)
      assert.equal(2, small.work.linked)
      assert.equal(8, larger.work.linked)
      assert.is_true(small.work.compared < larger.work.compared)
      assert.is_true(larger.work.compared < full.work.compared)
      -- only the people the new entries join (and those linked to them) are clustered again
      assert.is_true(small.work.reclustered < small.work.entries / 4)
      assert.same(clusters(people.resolution(db, { full = true })), clusters(larger))
      db:close()
   end)

   it("after a list that names a known person, clusters that person's entries again, no one else's", function()
      local db = store_of(base())
      local before = people.resolution(db)
      assert(db:import({ parley = 1, lists = { { id = "icrc-2021-09", claimant = "ICRC", holder = "AZE",
         subject = "detainees", as_of = "2021-09", persons = { { name = "Давид Саргсян", born = 1990 } } } } }))
      local after = people.resolution(db)
      assert.equal("arm-2021-05#1", after.by_entry["icrc-2021-09#1"].id)
      assert.equal(#before.by_id["arm-2021-05#1"].entries + 1, #after.by_id["arm-2021-05#1"].entries)
      assert.is_true(after.work.reclustered < after.work.entries)
      assert.is_nil(after.touched["arm-2021-05#2"])
      assert.same(clusters(people.resolution(db, { full = true })), clusters(after))
      db:close()
   end)

   it("after a decision, clusters again the entries it names", function()
      local db = store_of(base())
      local before = people.resolution(db)
      assert.equal(before.by_entry["arm-2021-05#1"], before.by_entry["aze-2021-05#1"])
      assert(db:import({ parley = 1, identities = {
         { different = { "arm-2021-05#1", "aze-2021-05#1" }, by = "A. Analyst", on = "2026-11-30" } } }))
      local after = people.resolution(db)
      assert.equal(0, after.work.linked)
      assert.not_equal(after.by_entry["arm-2021-05#1"], after.by_entry["aze-2021-05#1"])
      assert.same(clusters(people.resolution(db, { full = true })), clusters(after))
      assert.same(uncertain(people.resolution(db, { full = true })), uncertain(after))
      db:close()
   end)
end)

describe("rules that need people", function()
   local function project(rules, config_rules)
      local dir = support.tmpname("people-project")
      os.execute("mkdir -p " .. support.quote(dir))
      for name, src in pairs(rules) do support.write(dir .. "/" .. name, src) end
      support.write(dir .. "/data.yaml", yaml.dump(base()))
      support.write(dir .. "/config.yaml", yaml.dump({ parley = 1, store = "store.db", data = { "data.yaml" },
         rules = config_rules }))
      return dir
   end
   -- a rule that says which resolution it read and whether it was read or computed
   local WHO = [[
local people = require "parley.people"
return { id = ID, version = "1", needs = { "people" },
   params = { threshold = { type = "number" }, review = { type = "number" } },
   run = function(ctx)
      local r = people.resolution(ctx.db, { threshold = ctx.params.threshold, review = ctx.params.review })
      ctx:finding{ message = string.format("%s %s", tostring(r.stored), tostring(r.from_store)),
         evidence = { lists = { "arm-2021-05" } } }
   end }
]]

   it("read the resolution the engine stored once per parameter set, and the run records it", function()
      local dir = project({ ["a.lua"] = WHO:gsub("ID", "'a'"), ["b.lua"] = WHO:gsub("ID", "'b'"),
         ["c.lua"] = WHO:gsub("ID", "'c'") },
         { { script = "a.lua" }, { script = "b.lua" }, { script = "c.lua", with = { threshold = 0.95 } },
            { use = "list_overlap" } })
      local run = assert(parley.reconcile(dir .. "/config.yaml"))
      assert.equal(2, #run.resolutions)
      local said = {}
      for _, f in ipairs(run.findings) do
         if f.rule == "a" or f.rule == "b" or f.rule == "c" then said[f.rule] = f.message end
      end
      assert.equal(run.resolutions[1].id .. " true", said.a)
      assert.equal(said.a, said.b)
      assert.equal(run.resolutions[2].id .. " true", said.c)
      local db = assert(parley.open(dir .. "/store.db"))
      assert.equal(2, db:first("SELECT count(*) AS n FROM resolutions").n)
      assert.equal(2, db:first("SELECT count(*) AS n FROM run_resolutions WHERE run = ?", run.id).n)
      db:close()
      -- the report of the stored run says which resolutions its rules read
      local _, out = support.parley("report", dir .. "/store.db", tostring(run.id), "--format", "text")
      assert.matches("people: resolution " .. run.resolutions[1].id .. " %(resolver " .. people.RESOLVER_VERSION, out)
      -- a second run reads the same stored resolutions: nothing was imported since
      local again = assert(parley.reconcile(dir .. "/config.yaml"))
      assert.same(run.resolutions, again.resolutions)
   end)

   it("refuses a manifest whose needs are not known", function()
      local dir = project({
         ["x.lua"] = "return { id = 'x', version = '1', needs = { 'weather' }, run = function() end }",
         ["y.lua"] = "return { id = 'y', version = '1', needs = 'people', run = function() end }" },
         { { script = "x.lua" }, { script = "y.lua" } })
      local run, err, kind = parley.reconcile(dir .. "/config.yaml")
      assert.is_nil(run)
      assert.equal("input", kind)
      assert.matches("rule x needs 'weather'; what a rule may need is one of people", err)
      assert.matches("rule's needs must be a list", err)
   end)
end)
