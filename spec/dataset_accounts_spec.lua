-- SPDX-License-Identifier: MIT
-- The records of issue 13 (docs/dataset.md): several sources, a source's via and origin,
-- claims about an exchange, transfers by category, named mediators, maps of several regions
-- and places with their variants. Each refused form is said at file:line:col with its key
-- path; what is valid imports, reads back as written and exports to what re-imports as is.
local parley = require "parley"
local dataset = require "parley.dataset"
local yaml = require "parley.yaml"
local support = require "spec.support"

local EXAMPLE = support.top .. "/examples/exchange-2020-12-14/dataset.yaml"

local HEAD = [[
places:
  Agdam: {variants: [Aghdam, Ağdam]}
  Fuzuli: {variants: [Fizuli]}
parties:
  - {id: ARM, name: Armenia}
  - {id: AZE, name: Azerbaijan}
  - {id: USA, name: United States}
sources:
  - {id: s1, title: Statement}
  - {id: s2, title: Second}
]]

local function validate(text)
   local data, marks = yaml.load(HEAD .. text, { name = "acc.yaml", marks = true })
   local batch, found = dataset.validate({ { data = data, marks = marks, name = "acc.yaml" } })
   return dataset.format_problems(found), found, batch
end

local function warnings_of(batch)
   local out = {}
   for _, w in ipairs(batch.warnings or {}) do out[#out + 1] = dataset.format_problems({ w }) end
   return table.concat(out, "\n")
end

describe("records of several sources and accounts", function()
   it("refuses source and sources together, neither, an empty or repeated list, with where", function()
      local text = validate([[
claims:
  - {id: c1, claimant: ARM, source: s1, sources: [s2], as_of: 2020, subject: detainees, count: {exact: 1}}
  - {id: c2, claimant: ARM, as_of: 2020, subject: detainees, count: {exact: 1}}
  - {id: c3, claimant: ARM, sources: [s1, s1], as_of: 2020, subject: detainees, count: {exact: 1}}
  - {id: c4, claimant: ARM, sources: [s1, s3], as_of: 2020, subject: detainees, count: {exact: 1}}
]])
      assert.matches("acc.yaml:12:5: claim c1: give either source: or sources: %[...%], not both %(at claims%[1%]%)",
         text)
      assert.matches("acc.yaml:13:5: claim c2: missing required key 'source' %(or sources: %[...%]%)", text)
      assert.matches("acc.yaml:14:%d+: claim c3: 's1' is named twice in sources %(at claims%[3%]%.sources%[2%]%)",
         text)
      assert.matches("acc.yaml:15:%d+: claim c4: unknown source 's3' %(at claims%[4%]%.sources%[2%]%)", text)
   end)

   it("refuses a source that relays itself or a chain of via that comes back", function()
      local text = validate([[
  - {id: a, title: A, via: b}
  - {id: b, title: B, via: c}
  - {id: c, title: C, via: a}
  - {id: d, title: D, via: d}
  - {id: e, title: E, origin: not-in-the-dataset}
]])
      assert.matches("acc.yaml:11:%d+: source a: via goes round in a circle %(a %-> b %-> c %-> a%)", text)
      assert.matches("source d: source 'd' cannot relay itself %(at sources%[6%]%.via%)", text)
      assert.is_nil(text:find("source e"), text)
   end)

   it("refuses from and to without an exchange, a by_scope above its count, a mediator without party or " ..
      "person, and region with regions", function()
      local text = validate([[
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2020, subject: detainees, count: {exact: 1}, from: AZE, to: ARM}
exchanges:
  - id: x1
    date: 2020-12-14
    mediators: [{role: envoy}, {person: "An envoy", rol: x}]
    transfers:
      - {from: AZE, to: ARM, detainees: {count: 44, by_scope: {soldiers: 30, civilians: 16}}}
      - {from: AZE, to: ARM, remains: {count: 5}}
      - {from: ARM, to: AZE, mine_maps: [{regions: [Fuzuli, Zangilan], region: Agdam}, {mines: 3}]}
  - {id: x2, date: 2020, transfers: [{from: AZE, to: ARM, remains: {count: 5, by_scope: {military: 2, soldiers: 3}}}]}
]])
      assert.matches("acc.yaml:12:%d+: claim c1: from: and to: say a direction in an exchange: give exchange: " ..
         "EXCHANGE_ID too %(else holder: and about:%) %(at claims%[1%]%.from%)", text)
      assert.matches("acc.yaml:16:%d+: exchange x1: a mediator needs party: a party id, or person: a name", text)
      assert.matches("unknown key 'rol' %(did you mean 'role'%?%) %(at exchanges%[1%]%.mediators%[2%]%.rol%)", text)
      assert.matches("acc.yaml:18:%d+: exchange x1: by_scope adds up to 46 %(civilians 16, soldiers 30%), more " ..
         "than count 44 %(at exchanges%[1%]%.transfers%[1%]%.detainees%)", text)
      assert.matches("acc.yaml:21:%d+: exchange x2: by_scope counts soldiers twice %('military' and 'soldiers' are " ..
         "one scope tag%) %(at exchanges%[2%]%.transfers%[1%]%.remains%.by_scope%.soldiers%)", text)
      assert.matches("give either region: or regions: %[...%], not both %(at exchanges%[1%]%.transfers%[3%]%." ..
         "mine_maps%[1%]%)", text)
      assert.matches("missing required key 'region' %(or regions: %[...%]%) %(at exchanges%[1%]%.transfers%[3%]%." ..
         "mine_maps%[2%]%)", text)
   end)

   it("warns of a region that differs from a declared place only in spelling, not of a variant", function()
      local text, found, batch = validate([[
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2020, subject: mines, region: Agdamm, count: {exact: 1}}
  - {id: c2, claimant: ARM, source: s1, as_of: 2020, subject: mines, region: Aghdam, count: {exact: 1}}
  - {id: c3, claimant: ARM, source: s1, as_of: 2020, subject: mines, region: Lachin, count: {exact: 1}}
exchanges:
  - {id: x1, date: 2020, transfers: [{from: ARM, to: AZE, mine_maps: [{regions: [fizuli, Agdam]}]}]}
]])
      assert.equal(0, #found, text)
      local w = warnings_of(batch)
      assert.matches("acc.yaml:12:%d+: claim c1: region 'Agdamm' is not a declared place %(did you mean 'Agdam'%?%)",
         w)
      assert.matches("exchange x1: region 'fizuli' is not a declared place %(did you mean 'Fuzuli'%?%).*" ..
         "%(at exchanges%[1%]%.transfers%[1%]%.mine_maps%[1%]%.regions%[1%]%)", w)
      assert.is_nil(w:find("Aghdam", 1, true), w)
      assert.is_nil(w:find("Lachin", 1, true), w)
   end)

   it("refuses a place that is another's variant, or a variant of two places", function()
      local one = yaml.load(HEAD, { name = "one.yaml" })
      local two, marks = yaml.load("places:\n  Fizuli: {variants: [Fuzuli]}\n  Lachin: {variants: [Aghdam]}\n",
         { name = "two.yaml", marks = true })
      local _, found = dataset.validate({ { data = one, name = "one.yaml" },
         { data = two, marks = marks, name = "two.yaml" } })
      local text = dataset.format_problems(found)
      assert.matches("two.yaml:2:3: 'Fizuli' is already a variant of the place 'Fuzuli' %(at places%.Fizuli%)", text)
      assert.matches("two.yaml:3:3: 'Aghdam' is already a variant of the place 'Agdam' %(at places%.Lachin%)", text)
   end)

   it("imports the example, reads the new fields back as written, and re-imports its export as is", function()
      local db = assert(parley.open(":memory:"))
      assert(db:import(EXAMPLE))
      local x = db:exchanges({ id = "2020-12-14-swap" })()
      assert.same({ "RUS", { party = "ICRC", person = "ICRC delegation",
         role = "health check of the returning detainees" },
         { person = "A Russian peacekeeping commander", role = "escort across the line of contact" } }, x.mediators)
      assert.same({ count = 44, by_scope = { soldiers = 30, civilians = 14 } }, x.transfers[1].detainees)
      local map = x.transfers[3].mine_maps[1]
      assert.same({ "Fuzuli", "Zangilan" }, map.regions)
      assert.is_nil(map.region)
      local c = db:claims({ id = "wire-account-returned-soldiers" })()
      assert.same({ "wire-2020-12-14", "synd-2020-12-15" }, c.sources)
      assert.is_nil(c.source)
      assert.equal("2020-12-14-swap", c.exchange)
      assert.equal("AZE", c.from)
      local n = 0
      for found in db:claims({ source = "synd-2020-12-15" }) do n = n + 1; assert.is_table(found.sources) end
      assert.equal(3, n)
      local s = db:sources()
      local by_id = {}
      for src in s do by_id[src.id] = src end
      assert.equal("wire-2020-12-14", by_id["synd-2020-12-15"].via)
      assert.equal("aze-presidency-2020-12-15", by_id["am-press-2020-12-16"].origin)
      -- the party filter still finds a mediator given as a named person with a party
      assert.equal("2020-12-14-swap", db:exchanges({ party = "ICRC" })().id)
      assert.equal("Fuzuli", db:vocabulary():canonical_place("Füzuli rayonu"))
      db:close()
   end)

   it("exports the new fields so that the export re-imports into the same store as unchanged", function()
      local path = support.tmpname("acc.db")
      local db = assert(parley.open(path))
      assert(db:import(EXAMPLE))
      db:close()
      local out = support.tmpname("acc-out")
      os.execute("mkdir -p " .. support.quote(out))
      local code, text = support.parley("export", path, "--out", out, "-q")
      assert.equal(0, code, text)
      local written = support.read(out .. "/0001-dataset.yaml")
      assert.matches("places:", written)
      assert.matches("by_scope:", written)
      db = assert(parley.open(path))
      local summary = assert(db:import(out .. "/0001-dataset.yaml"))
      assert.equal(0, summary.claims)
      local fresh = assert(parley.open(":memory:"))
      assert(fresh:import(out .. "/0001-dataset.yaml"))
      assert.equal("Fuzuli", fresh:vocabulary():canonical_place("Fizuli"))
      db:close()
      fresh:close()
   end)
end)
