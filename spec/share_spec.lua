-- SPDX-License-Identifier: MIT
-- Reports safe to share (docs/sharing.md): a store full of names, reported in every format at
-- every sharing level. At public and partner, no name, variant, father's name, birth date or
-- sensitive source text may appear anywhere in the output bytes, and the findings (rules,
-- severities, counts, measures) are those of the internal report.
local parley = require "parley"
local json = require "parley.json"
local report = require "parley.report"
local share = require "parley.share"
local export = require "parley.export"
local support = require "support"

-- Every spelling the store holds, each word of them, and what else is personal.
local NAMES = { "Davit Sargsyan", "Давид Саргсян", "Vahagn Bahrikyan", "Ваагн Бахрикян", "Hrant Melkonyan",
   "Elvin Guliyev", "Эльвин Гулиев", "Samvel", "Narine Avetisyan" }
local BIRTH_DATES = { "1983-04-17", "1991-09-02" }
local BIRTH_YEARS = { "1983", "1991", "1978", "1969" }
local SENSITIVE_TEXT = { "Testimony of", "informant.example" }

local function words(list)
   local out = {}
   for _, n in ipairs(list) do
      for w in n:gmatch("%S+") do out[#out + 1] = w end
   end
   return out
end

local function dataset()
   return {
      parley = 1,
      parties = { { id = "ARM", name = "Armenia", kind = "state" },
         { id = "AZE", name = "Azerbaijan", kind = "state" } },
      sources = {
         { id = "s-arm", title = "Ombudsman's list", party = "ARM", speaker = "Office spokesperson",
            published = "2021-05-20" },
         { id = "s-aze", title = "State Commission list", party = "AZE", published = "2021-05-21" },
         { id = "s-informant", title = "Testimony of Narine Avetisyan", speaker = "Narine Avetisyan",
            url = "https://informant.example/x", sensitive = true },
      },
      persons = {
         { id = "p-davit", names = { "Davit Sargsyan", { name = "Давид Саргсян", written_by = "AZE" } },
            born = "1983-04-17", father_name = "Samvel", sex = "male", category = "soldier",
            notes = "brother of Vahagn Bahrikyan's cellmate" },
      },
      claims = {
         { id = "arm-held", claimant = "ARM", source = "s-arm", as_of = "2021-05-20", subject = "detainees",
            holder = "AZE", about = "ARM", count = { exact = 3 },
            text = "Davit Sargsyan and Hrant Melkonyan were seen in the pre-trial centre",
            notes = "Vahagn Bahrikyan's family confirmed" },
         { id = "aze-held", claimant = "AZE", source = "s-aze", as_of = "2021-05-21", subject = "detainees",
            holder = "AZE", about = "ARM", count = { exact = 2 } },
         { id = "informant-held", claimant = "ARM", source = "s-informant", as_of = "2021-05-22",
            subject = "detainees", holder = "AZE", about = "ARM", count = { exact = 4 } },
      },
      lists = {
         { id = "arm-list", claimant = "ARM", holder = "AZE", about = "ARM", subject = "detainees",
            as_of = "2021-05-20", source = "s-arm", persons = {
               { person = "p-davit", name = "Davit Sargsyan", born = 1983 },
               { name = "Vahagn Bahrikyan", born = "1991-09-02", category = "soldier", rank = "private" },
               { name = "Hrant Melkonyan", born = 1978, sensitive = true },
            } },
         { id = "aze-list", claimant = "AZE", holder = "AZE", about = "ARM", subject = "detainees",
            as_of = "2021-05-21", source = "s-aze", persons = {
               { person = "p-davit", name = "Давид Саргсян", born = 1983 },
               { name = "Ваагн Бахрикян", born = 1991 },
               { name = "Эльвин Гулиев", born = 1969 },
            } },
      },
      exchanges = {
         { id = "x-2021-06-12", date = "2021-06-12", place = "border", sources = { "s-aze" }, transfers = {
            { from = "AZE", to = "ARM", detainees = { count = 2, persons = {
               { name = "Vahagn Bahrikyan", born = 1991 }, { name = "Elvin Guliyev", born = 1969 } } } },
         } },
      },
   }
end

-- A rule that names every person it sees, in its messages, details and log: what a custom rule
-- written by an analyst does.
local NAMING_RULE = [[
return { id = "naming", version = "1.0.0", description = "Names every listed person", severity = "low",
   run = function(ctx)
      for l in ctx.db:lists() do
         for i, e in ipairs(l.persons) do
            ctx.log("saw " .. tostring(e.name))
            ctx:finding{ message = tostring(e.name) .. " (born " .. tostring(e.born) .. ") is on " .. l.id,
               evidence = { lists = { l.id }, persons = { l.id .. "#" .. i } },
               measures = { position = i },
               details = { name = e.name, born = e.born, note = "listed as " .. tostring(e.name) } }
         end
      end
   end }
]]

local function project()
   local dir = support.tmpname("share-project")
   os.execute("mkdir -p " .. support.quote(dir))
   support.write(dir .. "/dataset.yaml", json.encode(dataset()))
   support.write(dir .. "/naming.lua", NAMING_RULE)
   support.write(dir .. "/config.yaml", table.concat({
      "parley: 1", "store: store.db", "data: [dataset.yaml]", "rules:",
      "  - use: list_overlap", "  - use: count_gap", "  - use: release_accounting", "  - script: naming.lua",
      "limits: {instructions: 20000000, seconds: 10}" }, "\n"))
   return dir
end

local function leaks(text, level)
   local found = {}
   local forbidden = {}
   for _, n in ipairs(NAMES) do forbidden[#forbidden + 1] = n end
   for _, w in ipairs(words(NAMES)) do forbidden[#forbidden + 1] = w end
   for _, d in ipairs(BIRTH_DATES) do forbidden[#forbidden + 1] = d end
   for _, s in ipairs(SENSITIVE_TEXT) do forbidden[#forbidden + 1] = s end
   if level == "public" then
      for _, y in ipairs(BIRTH_YEARS) do forbidden[#forbidden + 1] = y end
   end
   for _, s in ipairs(forbidden) do
      if text:find(s, 1, true) then found[#found + 1] = s end
   end
   -- JSON and SARIF escape non-ASCII letters as \uXXXX: read them back too
   local ok, decoded = pcall(function()
      local out = {}
      for line in text:gmatch("[^\n]+") do out[#out + 1] = json.encode(json.decode(line)) end
      return table.concat(out, "\n")
   end)
   if ok and decoded ~= text then
      for _, s in ipairs(forbidden) do
         if decoded:find(s, 1, true) then found[#found + 1] = s end
      end
   end
   return found
end

-- What a report's findings say that the policy must not change: rule, severity and measures.
local function finding_facts(run_json)
   local out = {}
   for line in run_json:gmatch("[^\n]+") do
      local o = json.decode(line)
      if o.type == "finding" then
         out[#out + 1] = json.encode({ o.rule, o.severity, o.measures or {},
            o.evidence and o.evidence.lists or {}, o.evidence and #(o.evidence.persons or {}) or 0 })
      end
   end
   table.sort(out)
   return out
end

describe("sharing policies", function()
   local dir, run, db, key_a, key_b
   setup(function()
      dir = project()
      run = assert(parley.reconcile(dir .. "/config.yaml"))
      db = assert(parley.open(dir .. "/store.db"))
      key_a, key_b = dir .. "/a.key", dir .. "/b.key"
   end)
   teardown(function() db:close() end)

   local function render(format, level, key)
      local policy = assert(share.policy(level, { key_file = key or key_a }))
      return assert(report.render(run, format, { db = db, share = policy }))
   end

   it("an internal report keeps everything, as before", function()
      local text = render("json", "internal")
      assert.truthy(text:find("Davit Sargsyan", 1, true))
      -- internal is the default: nothing changes for existing users
      assert.equal(render("json", nil), text)
   end)

   for _, level in ipairs({ "public", "partner" }) do
      for _, format in ipairs(report.formats()) do
         it(string.format("%s: the %s report has no name, birth date or sensitive source", level, format),
            function()
            local text = render(format, level)
            assert.same({}, leaks(text, level))
            assert.truthy(text:find(level, 1, true), "the report states its level")
         end)
      end
      it(level .. ": the findings, counts and measures are those of the internal report", function()
         assert.same(finding_facts(render("json", "internal")), finding_facts(render("json", level)))
      end)
   end

   it("pseudonyms are stable with one key and differ with another", function()
      local a1, a2 = render("json", "public", key_a), render("json", "public", key_a)
      local b = render("json", "public", key_b)
      assert.equal(a1, a2)
      local pa, pb = {}, {}
      for p in a1:gmatch("P%-%x%x%x%x%x%x%x%x") do pa[#pa + 1] = p end
      for p in b:gmatch("P%-%x%x%x%x%x%x%x%x") do pb[#pb + 1] = p end
      assert.is_true(#pa > 0)
      assert.equal(#pa, #pb)
      assert.not_equal(pa[1], pb[1])
   end)

   it("one person has one pseudonym across scripts and lists", function()
      local sharer = assert(share.sharer(assert(share.policy("public", { key_file = key_a })), db))
      assert.equal(sharer:person_id("arm-list#1"), sharer:person_id("aze-list#1"))
      assert.equal(sharer:name("Davit Sargsyan"), sharer:name("Давид Саргсян"))
      assert.not_equal(sharer:person_id("arm-list#2"), sharer:person_id("arm-list#1"))
   end)

   it("the key is created once, readable by its owner only, and never enters a report", function()
      local key = support.tmpname("new") .. "/dir/share.key"
      local text = render("sarif", "public", key)
      local code, mode = support.sh("stat -c %a " .. support.quote(key))
      assert.equal(0, code)
      assert.equal("600", mode:match("%d+"))
      local hex = support.read(key):match("%x+")
      assert.equal(64, #hex)
      assert.is_nil(text:find(hex, 1, true))
      assert.equal(text, render("sarif", "public", key))
   end)

   it("a key file that is not a key is refused with its path", function()
      local bad = support.write(support.tmpname("bad.key"), "not a key\n")
      local policy = assert(share.policy("public", { key_file = bad }))
      local ok, err = report.render(run, "text", { db = db, share = policy })
      assert.is_nil(ok)
      assert.truthy(err:find(bad, 1, true))
   end)

   it("counts what a sensitive record withheld, and says so in machine-readable form", function()
      local o = json.decode(render("json", "public"):match("^[^\n]+"))
      assert.equal("public", o.share.level)
      assert.equal(2, o.share.sensitive_withheld) -- the source and the person
      local sarif = json.decode(render("sarif", "public"))
      assert.equal("public", sarif.runs[1].properties.share.level)
   end)

   it("a sensitive person is counted but never named, not even by pseudonym", function()
      local sharer = assert(share.sharer(assert(share.policy("public", { key_file = key_a })), db))
      local pseudonym = sharer:pseudonym("name:" .. require("parley.names").key("Hrant Melkonyan"))
      local text = render("json", "public")
      assert.is_nil(text:find(pseudonym, 1, true))
      local withheld = 0
      for line in text:gmatch("[^\n]+") do
         local o = json.decode(line)
         if o.type == "finding" and o.message:find("(withheld)", 1, true) then
            withheld = withheld + 1
            assert.same({ "(withheld)" }, o.evidence.persons)
         end
      end
      assert.equal(1, withheld)
      assert.truthy(render("json", "internal"):find("Hrant Melkonyan", 1, true))
   end)

   it("a field can be set apart from its level", function()
      local policy = assert(share.policy({ level = "public", fields = { ["persons.born"] = "year" } },
         { key_file = key_a }))
      local text = render("text", policy)
      assert.truthy(text:find("1991", 1, true))
      assert.is_nil(text:find("1991-09-02", 1, true))
   end)

   it("an unknown level or treatment is an error that says what is known", function()
      local p, err = share.policy("secret")
      assert.is_nil(p)
      assert.truthy(err:find("public", 1, true))
      p, err = share.policy({ level = "public", fields = { ["persons.name"] = "hash" } })
      assert.is_nil(p)
      assert.truthy(err:find("pseudonym", 1, true))
   end)

   it("exports datasets and tables under the policy, and the datasets import again", function()
      local out = support.tmpname("export")
      os.execute("mkdir -p " .. support.quote(out))
      local written = assert(export.datasets(db, { dir = out, share = "public", share_key = key_a }))
      local all = {}
      for _, w in ipairs(written) do all[#all + 1] = support.read(w.path) end
      assert.same({}, leaks(table.concat(all, "\n"), "public"))
      local store2 = support.tmpname("reimport.db")
      local db2 = assert(parley.open(store2))
      for _, w in ipairs(written) do assert(db2:import(w.path)) end
      local n = 0
      for _ in db2:lists() do n = n + 1 end
      assert.equal(2, n)
      db2:close()
      for _, kind in ipairs(export.CSV_KINDS) do
         local csv = assert(export.csv(db, kind, { share = "public", share_key = key_a }))
         assert.same({}, leaks(csv, "public"))
      end
   end)

   it("the command line takes --share for reconcile, report and export", function()
      local env = "PARLEY_SHARE_KEY=" .. support.quote(key_a) .. " "
      local code, out = support.sh(env .. support.top .. "/bin/parley reconcile " .. support.quote(dir ..
         "/config.yaml") .. " --share public --format markdown")
      assert.equal(0, code, out)
      assert.same({}, leaks(out, "public"))
      assert.truthy(out:find("Shared at level public", 1, true))
      code, out = support.sh(env .. support.top .. "/bin/parley report " .. support.quote(dir .. "/store.db") ..
         " latest --share=partner --format html")
      assert.equal(0, code, out)
      assert.same({}, leaks(out, "partner"))
      code, out = support.sh(env .. support.top .. "/bin/parley export " .. support.quote(dir .. "/store.db") ..
         " --format csv --kind persons --share public")
      assert.equal(0, code, out)
      assert.same({}, leaks(out, "public"))
      code, out = support.sh(env .. support.top .. "/bin/parley report " .. support.quote(dir .. "/store.db") ..
         " latest --share secret")
      assert.equal(3, code)
      assert.truthy(out:find("unknown sharing level", 1, true))
   end)

   it("a config's share: applies to the reports it writes", function()
      local cfg = dir .. "/shared.yaml"
      support.write(cfg, table.concat({ "parley: 1", "store: store.db", "data: [dataset.yaml]", "rules:",
         "  - script: naming.lua", "report:", "  - {format: csv, path: shared.csv}",
         "share: {level: public, key: a.key}" }, "\n"))
      assert(parley.reconcile(cfg))
      local csv = support.read(dir .. "/shared.csv")
      assert.same({}, leaks(csv, "public"))
      assert.truthy(csv:find(",public\r\n", 1, true))
   end)
end)

-- The bundled example and a generated dataset (bench/gen.lua: hundreds of persons in three
-- scripts on lists and in exchanges), as the issue asks: at public, no name or birth date of any
-- person in the store, and the same findings as at internal.
describe("sharing the example and a generated dataset at public", function()
   local function all_formats(run, db, level, key)
      local out = {}
      for _, format in ipairs(report.formats()) do
         local policy = assert(share.policy(level, { key_file = key }))
         out[format] = assert(report.render(run, format, { db = db, share = policy }))
      end
      return out
   end

   local function decoded(text)
      local ok, s = pcall(function()
         local out = {}
         for line in text:gmatch("[^\n]+") do out[#out + 1] = json.encode(json.decode(line)) end
         return table.concat(out, "\n")
      end)
      return ok and s or ""
   end

   it("the example's findings are unchanged", function()
      local run = assert(parley.reconcile(support.top .. "/examples/caucasus-2021/reconcile.yaml"))
      local key = support.tmpname("example.key")
      local db = assert(parley.open(support.tmpname("example.db")))
      assert(db:import(support.top .. "/examples/caucasus-2021/dataset.yaml"))
      local internal, public = all_formats(run, db, "internal", key), all_formats(run, db, "public", key)
      assert.same(finding_facts(internal.json), finding_facts(public.json))
      assert.truthy(public.text:find("Shared at level public", 1, true))
      db:close()
   end)

   it("a generated dataset's persons appear in no format", function()
      local generate = dofile(support.top .. "/bench/gen.lua")
      local ds = generate(12, 5)
      local path = support.tmpname("gen-share.db")
      local db = assert(parley.open(path))
      assert(db:import(ds, { name = "generated" }))
      local rules = {}
      for i, r in ipairs({ "list_overlap", "release_accounting", "population_estimate", "count_gap" }) do
         rules[i] = { use = r }
      end
      local run = assert(parley.reconcile({ parley = 1, store = path, rules = rules }, { jobs = 1 }))
      local forbidden, seen = {}, {}
      local function add(name)
         if type(name) == "string" and #name >= 6 and not seen[name] then
            seen[name] = true
            forbidden[#forbidden + 1] = name
         end
      end
      for _, p in ipairs(ds.persons or {}) do
         if #p.id >= 3 then forbidden[#forbidden + 1] = "(" .. p.id .. ")" end
      end
      local function add_born(b)
         if type(b) == "string" and b:match("^%d%d%d%d%-%d%d%-%d%d$") then add(b) end
      end
      for _, l in ipairs(ds.lists) do
         for _, e in ipairs(l.persons) do add(e.name); add_born(e.born) end
      end
      for _, p in ipairs(ds.persons or {}) do
         for _, n in ipairs(p.names or {}) do add(type(n) == "table" and n.name or n) end
      end
      for _, x in ipairs(ds.exchanges) do
         for _, t in ipairs(x.transfers) do
            for _, e in ipairs(t.detainees and t.detainees.persons or {}) do add(e.name) end
         end
      end
      assert.is_true(#forbidden > 50, "the generated dataset names persons")
      local key = support.tmpname("gen.key")
      local internal = all_formats(run, db, "internal", key)
      local hits = 0
      for _, text in pairs(internal) do
         for _, n in ipairs(forbidden) do if text:find(n, 1, true) then hits = hits + 1 end end
      end
      assert.is_true(hits > 0, "the internal reports name persons: the check below can fail")
      local public = all_formats(run, db, "public", key)
      for format, text in pairs(public) do
         local both = text .. "\n" .. decoded(text)
         for _, n in ipairs(forbidden) do
            assert.is_nil(both:find(n, 1, true), format .. " names " .. n)
         end
      end
      assert.same(finding_facts(internal.json), finding_facts(public.json))
      db:close()
   end)
end)
