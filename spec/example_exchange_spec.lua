-- SPDX-License-Identifier: MIT
-- The illustrative 14 December 2020 dataset (examples/exchange-2020-12-14): it validates and
-- imports, the new rules and the extended ones find what its records say, and every report
-- format shows the new fields (several sources, via, mediators with roles, transfers by
-- category, maps of several regions).
local parley = require "parley"
local support = require "spec.support"

local DIR = support.top .. "/examples/exchange-2020-12-14"
local CONFIG = DIR .. "/parley.yaml"

local function by_rule(run)
   local out = {}
   for _, f in ipairs(run.findings) do
      out[f.rule] = out[f.rule] or {}
      table.insert(out[f.rule], f)
   end
   return out
end

local function with_message(list, pattern)
   local hits = {}
   for _, f in ipairs(list or {}) do
      if f.message:find(pattern) then hits[#hits + 1] = f end
   end
   assert.equal(1, #hits, "one finding matching " .. pattern)
   return hits[1]
end

describe("the 14 December 2020 example", function()
   local run
   setup(function()
      run = assert(parley.reconcile(CONFIG))
      for _, o in ipairs(run.outcomes) do assert.are_not.equal("error", o.outcome, o.error) end
   end)

   it("validates and imports without warnings", function()
      local code, out, err = support.parley("validate", DIR .. "/dataset.yaml")
      assert.equal(0, code, err)
      assert.matches("1 file valid", out)
      assert.equal("", err)
   end)

   it("exchange_accounts: the accounts that differ, the maps no account mentions, the persons one list names",
      function()
      local found = by_rule(run).exchange_accounts
      assert.equal(5, #found)
      local back = with_message(found, "detainees from ARM to AZE: the accounts differ")
      assert.same({ "aze-account-returned", "wire-account-aze-returned" }, back.evidence.claims)
      assert.same({ accounts = 2, low = 12, high = 14, recorded = 12 }, back.measures)
      local soldiers = with_message(found, "detainees %(soldiers%) from AZE to ARM")
      assert.equal(30, soldiers.measures.recorded)
      assert.equal(28, soldiers.measures.low)
      -- the civilians: only the wire's account, against the record's by_scope part
      local civilians = with_message(found, "detainees %(civilians%) from AZE to ARM")
      assert.matches("WIRE says 16 %(wire%-account%-returned%-civilians%); the exchange record says 14$",
         civilians.message)
      local maps = with_message(found, "transfer of mine maps from ARM to AZE")
      assert.equal("low", maps.severity)
      local persons = with_message(found, "names 1 the other does not %(Davit Hakobyan%)")
      assert.same({ "arm-returned-named", "obs-returned-named" }, persons.evidence.lists)
   end)

   it("opposing_assertions: the maps complete against incomplete, Fizuli read as Fuzuli", function()
      local found = by_rule(run).opposing_assertions
      assert.equal(1, #found)
      assert.matches("mine_maps_complete, about ARM in Fuzuli: AZE asserts false %(aze%-maps%-incomplete, 2020%-12, " ..
         "written Fizuli%); ARM asserts true", found[1].message)
   end)

   it("corroboration: the syndicated copy is one origin, Azerbaijan's word through an Armenian outlet its own",
      function()
      local found = by_rule(run).corroboration
      local aze = with_message(found, "^AZE's claim aze%-account%-returned ")
      assert.matches("am%-press%-2020%-12%-14 relays aze%-mod%-2020%-12%-14: 1 origin", aze.message)
      assert.equal(1, aze.measures.own_source)
      local wire = with_message(found, "^WIRE's claim wire%-account%-aze%-returned ")
      assert.matches("synd%-2020%-12%-15 relays wire%-2020%-12%-14: 1 origin", wire.message)
      assert.same({ "synd-2020-12-15", "wire-2020-12-14" }, wire.evidence.sources)
   end)

   it("map_completeness: coverage over the two regions together, and of one alone that cannot be told", function()
      local found = by_rule(run).map_completeness
      local total = with_message(found, "^in total over Fuzuli, Zangilan")
      assert.equal(92000, total.measures.mapped)
      assert.equal(110000, total.measures.laid)
      local untold = with_message(found, "^Fuzuli: AZE claims")
      assert.equal("shared", untold.details.kind)
      assert.matches("coverage of Fuzuli alone cannot be told", untold.message)
      -- the monitoring group wrote Füzuli: one declared place with Fuzuli
      local obs = with_message(found, "^Fuzuli: OBS claims")
      assert.matches("coverage 65%.7%% at most", obs.message)
   end)

   it("every format shows several sources, via, mediators with roles, transfers by category, shared maps", function()
      local out = support.tmpname("example-reports")
      os.execute("mkdir -p " .. support.quote(out))
      local code, _, err = support.parley("reconcile", CONFIG, "--format", "text,markdown,html,json,csv,sarif",
         "--out", out)
      assert.is_true(code == 0 or code == 1, err)
      local text = support.read(out .. "/report.txt")
      assert.matches("44 detainees %(30 soldiers, 14 civilians%)", text)
      assert.matches("Fuzuli %+ Zangilan together, 92,000 mines", text)
      assert.matches("ICRC delegation, health check of the returning detainees %(ICRC%)", text)
      local md = support.read(out .. "/report.md")
      assert.matches("%(synd%-2020%-12%-15%) %(via wire%-2020%-12%-14%)", md)
      assert.matches("B2; B2", md)
      assert.matches("A Russian peacekeeping commander, escort across the line of contact", md)
      assert.matches("44 detainees %(30 soldiers, 14 civilians%)", md)
      local html = support.read(out .. "/report.html")
      assert.matches('<div class="card exchange"><h4>Exchange record 2020%-12%-14%-swap</h4>', html)
      assert.matches("%(via aze%-mod%-2020%-12%-14%)", html)
      assert.matches("account of</dt><dd>2020%-12%-14%-swap, ARM → AZE", html)
      -- the findings formats carry every source and the messages the relays and categories
      for _, name in ipairs({ "report.json", "report.csv", "report.sarif" }) do
         local body = support.read(out .. "/" .. name)
         assert.matches("synd%-2020%-12%-15 relays wire%-2020%-12%-14", body)
         assert.matches("Fuzuli %+ Zangilan", body)
      end
      -- and, where a format describes the records behind a finding, the new fields as data
      local json = require "parley.json"
      local function swap_records(records)
         assert.is_table(records, "records behind the finding")
         local swap = records.exchanges[1]
         assert.equal("2020-12-14-swap", swap.id)
         assert.same({ party = "ICRC", person = "ICRC delegation", role = "health check of the returning detainees" },
            swap.mediators[2])
         assert.same({ person = "A Russian peacekeeping commander", role = "escort across the line of contact" },
            swap.mediators[3])
         assert.same({ count = 44, by_scope = { soldiers = 30, civilians = 14 } }, swap.transfers[1].detainees)
         assert.same({ { regions = { "Fuzuli", "Zangilan" }, mines = 92000 } }, swap.transfers[3].mine_maps)
         local via = {}
         for _, src in ipairs(records.sources) do via[src.id] = src.via or false end
         assert.equal("aze-mod-2020-12-14", via["am-press-2020-12-14"])
      end
      local wire_json, swap_json
      for line in support.read(out .. "/report.json"):gmatch("[^\n]+") do
         local o = json.decode(line)
         if o.type == "finding" then
            if o.message:find("^WIRE's claim wire%-account%-aze%-returned ") then wire_json = o end
            if o.rule == "exchange_accounts" and o.message:find("detainees from ARM to AZE") then swap_json = o end
         end
      end
      assert.same({ { id = "wire-account-aze-returned", sources = { "wire-2020-12-14", "synd-2020-12-15" } } },
         wire_json.records.claims)
      assert.same({ id = "synd-2020-12-15", via = "wire-2020-12-14" }, wire_json.records.sources[2])
      swap_records(swap_json.records)
      local sarif = json.decode(support.read(out .. "/report.sarif"))
      local swap_sarif
      for _, r in ipairs(sarif.runs[1].results) do
         if r.ruleId == "exchange_accounts" and r.message.text:find("detainees from ARM to AZE") then swap_sarif = r end
      end
      swap_records(swap_sarif.properties.records)
      local csv = support.read(out .. "/report.csv")
      assert.matches("synd%-2020%-12%-15 via wire%-2020%-12%-14,", csv)
      assert.matches(",#x_relays,#x_mediators,#x_transfers,", csv)
      assert.matches(',"2020%-12%-14%-swap: RUS; ICRC delegation, health check of the returning detainees %(ICRC%); ' ..
         'A Russian peacekeeping commander, escort across the line of contact",', csv)
      assert.matches("2020%-12%-14%-swap: AZE → ARM: 44 detainees %(30 soldiers, 14 civilians%); ARM → AZE: " ..
         "12 detainees; ARM → AZE: 1 mine map %(Fuzuli %+ Zangilan together, 92,000 mines%)", csv)
   end)
end)
