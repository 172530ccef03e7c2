-- SPDX-License-Identifier: MIT
-- The people behind findings about persons in reports (lua/parley/report/people.lua): the text
-- report lists each person a finding names with every spelling and the entries behind them;
-- the HTML report has a section per person (capped, the cap said) with the entries, the
-- findings naming them, their uncertain pairs and the reviewers' decisions; a shared report
-- reads nothing of persons from the store. Rendered in headless Chromium as well, when there.
local parley = require "parley"
local support = require "support"
local report_people = require "parley.report.people"

local DATASET = {
   parley = 1,
   parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } },
   lists = {
      { id = "arm-may", claimant = "ARM", holder = "AZE", about = "ARM", subject = "detainees", as_of = "2021-05",
         persons = { { name = "Դավիթ Սարգսյան", born = 1994 }, { name = "Vahan Grigoryan" },
            { name = "Levon Movsisyan", born = 1990 } } },
      { id = "aze-jul", claimant = "AZE", holder = "AZE", about = "ARM", subject = "detainees", as_of = "2021-07",
         persons = { { name = "Саргсян Давид", born = 1994 } } },
   },
   exchanges = {
      { id = "x-june", date = "2021-06-12", transfers = { { from = "AZE", to = "ARM", detainees = { count = 2,
         persons = { { name = "Davit Sargsyan", born = 1994 }, { name = "Vahe Grigoryan" } } } } } },
   },
   identities = {
      { same = { "arm-may#1", "aze-jul#1" }, by = "A. Analyst", on = "2026-11-30", note = "same unit" },
   },
}

local run, db
local function reconciled()
   if run then return run end
   local path = support.tmpname("report-people.db")
   db = assert(parley.open(path))
   assert(db:import(DATASET, { name = "people" }))
   run = assert(parley.reconcile({ parley = 1, store = path, rules = { { use = "release_accounting" },
      { use = "unaccounted_persons" } } }))
   return run
end

describe("reports of findings about persons", function()
   teardown(function()
      if db then db:close() end
   end)

   it("the text report gives each person's spellings and entries under the finding", function()
      local text = assert(reconciled():report("text"))
      assert.truthy(text:find("person arm-may#1: Դավիթ Սարգսյան / Davit Sargsyan / Саргсян Давид (3 entries)", 1,
         true), text)
      assert.truthy(text:find("      2021-07 on AZE's list aze-jul (held by AZE) as Саргсян Давид, born 1994", 1, true))
      assert.truthy(text:find("      2021-06-12 in exchange x-june, AZE to ARM as Davit Sargsyan, born 1994", 1, true))
      -- Levon, unaccounted for
      assert.truthy(text:find("person arm-may#3: Levon Movsisyan (1 entry)", 1, true))
   end)

   it("the Markdown report lists each person and their entries under the finding", function()
      local md = assert(reconciled():report("markdown"))
      assert.truthy(md:find("Persons:\n\n- person arm-may#1: Դավիթ Սարգսյան / Davit Sargsyan / Саргсян Давид " ..
         "(3 entries)", 1, true), md)
      assert.truthy(md:find("\n  - 2021-07 on AZE's list aze-jul (held by AZE) as Саргсян Давид, born 1994", 1, true))
   end)

   it("the HTML report has a section per person with entries, findings, uncertain pairs and decisions", function()
      local html = assert(reconciled():report("html"))
      assert.truthy(html:find('<li><a href="#people">People</a></li>', 1, true))
      local section = html:match('<section id="people">.-</section></section>')
      assert.truthy(section)
      assert.truthy(section:find("people are named in findings about persons", 1, true))
      local davit = html:match('<section class="person" id="person%-arm%-may_1">.-</section>')
      assert.truthy(davit, section)
      assert.truthy(davit:find("<h3>Դավիթ Սարգսյան / Davit Sargsyan / Саргсян Давид</h3>", 1, true))
      assert.truthy(davit:find('<a href="#finding-', 1, true))
      assert.truthy(davit:find("Саргсян Давид</td>", 1, true))
      assert.truthy(davit:find("same: <span class=\"ids\">arm-may#1, aze-jul#1</span> — A. Analyst, 2026-11-30 " ..
         "(same unit)", 1, true), davit)
      -- Vahan (ARM's list) and Vahe (released) are an uncertain pair, for review, never merged
      local vahan = html:match('<section class="person" id="person%-arm%-may_2">.-</section>')
      assert.truthy(vahan, section)
      assert.truthy(vahan:find("Uncertain pairs (not merged: for review)", 1, true))
      assert.truthy(vahan:find("Vahe Grigoryan</td>", 1, true))
   end)

   it("caps the persons it shows and says so", function()
      local max = report_people.MAX_PERSONS
      report_people.MAX_PERSONS = 1
      local ok, html = pcall(function() return assert(reconciled():report("html")) end)
      report_people.MAX_PERSONS = max
      assert(ok, html)
      assert.truthy(html:find("; the first 1 (in the order of the findings) are shown.", 1, true))
      local _, sections = html:gsub('<section class="person"', "")
      assert.equal(1, sections)
   end)

   it("reads no uncertain pair or decision from the store without one, or for a shared report", function()
      local people = report_people.gather(reconciled().findings, nil)
      assert.is_true(people.total >= 3)
      assert.is_false(people.from_store)
      for _, p in ipairs(people.persons) do assert.is_nil(p.uncertain) end
      local html = assert(reconciled():report("html", nil, { share = "partner" }))
      assert.is_nil(html:find("Uncertain pairs (not merged", 1, true))
      assert.is_nil(html:find("A. Analyst", 1, true))
   end)

   it("renders in headless Chromium: the People section and each person's spellings as a reader sees them", function()
      local chromium
      for _, name in ipairs({ "chromium", "chromium-browser", "google-chrome" }) do
         local code, out = support.sh("command -v " .. name)
         if code == 0 then
            chromium = out:match("^(%S+)")
            break
         end
      end
      if not chromium then return pending("no Chromium to render the report in") end
      local page = support.tmpname("people.html")
      assert.is_true(reconciled():report("html", page))
      local profile, png = support.tmpname("chromium-profile"), support.tmpname("people.png")
      local flags = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking " ..
         "--disable-component-update --disable-sync --hide-scrollbars --user-data-dir=" .. support.quote(profile)
      local run_chromium = "env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS timeout 120 " ..
         support.quote(chromium) .. " " .. flags
      local code, dom = support.sh(run_chromium .. " --dump-dom " .. support.quote("file://" .. page))
      assert.equal(0, code, dom)
      assert.truthy(dom:find('<section id="people"><h2>People in the findings</h2>', 1, true))
      assert.truthy(dom:find("<h3>Դավիթ Սարգսյան / Davit Sargsyan / Саргсян Давид</h3>", 1, true))
      code = support.sh(run_chromium .. " --screenshot=" .. support.quote(png) .. " --window-size=1200,4000 " ..
         support.quote("file://" .. page))
      assert.equal(0, code)
      local f = assert(io.open(png, "rb"))
      local bytes = f:seek("end")
      f:close()
      assert.is_true(bytes > 20000, "the screenshot is only " .. bytes .. " bytes")
   end)
end)
