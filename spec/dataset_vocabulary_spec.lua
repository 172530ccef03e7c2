-- SPDX-License-Identifier: MIT
-- A dataset's vocabulary: subjects and scope tags it adds to parley.terms' default, kept in the
-- store; terms the vocabulary does not know are warnings with "did you mean" (errors under
-- `vocabulary: strict`), and the readers, rules' included, compare through it.
local parley = require "parley"
local dataset = require "parley.dataset"
local yaml = require "parley.yaml"
local support = require "support"

local HEAD = [[
parties:
  - {id: ARM, name: Armenia}
  - {id: AZE, name: Azerbaijan}
sources:
  - {id: s1, title: Statement}
]]

local function validate(text, opts)
   local data, marks = yaml.load(HEAD .. text, { name = "v.yaml", marks = true })
   local batch, found = dataset.validate({ { data = data, marks = marks, name = "v.yaml" } }, opts)
   return dataset.format_problems(found), table.concat(dataset.format_list(batch.warnings), "\n"), batch
end

local CLAIMS = [[
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: Detainees, count: {exact: 1}}
  - {id: c2, claimant: ARM, source: s1, as_of: 2021, subject: detainee, count: {exact: 1}}
  - {id: c3, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: {exact: 1},
     scope: [soldiers, civilian]}
]]

describe("a dataset's vocabulary", function()
   it("warns of a subject or scope tag it does not know, where it is, with the term it most likely means", function()
      local errors, warnings = validate(CLAIMS)
      assert.equal("", errors)
      assert.matches("v.yaml:7:63: claim c1: subject 'Detainees' is not in the vocabulary %(did you mean " ..
         "'detainees'%?%): declare it under vocabulary: subjects if it is a subject of its own %(at claims%[1%]" ..
         "%.subject%)", warnings)
      assert.matches("v.yaml:8:63: claim c2: subject 'detainee' is not in the vocabulary %(did you mean " ..
         "'detainees'%?%)", warnings)
      assert.matches("v.yaml:10:%d+: claim c3: scope tag 'civilian' is not in the vocabulary %(did you mean " ..
         "'civilians'%?%): declare it under vocabulary: scopes .* %(at claims%[3%]%.scope%[2%]%)", warnings)
      assert.equal(3, #select(3, validate(CLAIMS)).warnings)
   end)

   it("refuses them under vocabulary: strict, in the dataset or from the caller", function()
      local errors, warnings = validate("vocabulary: strict\n" .. CLAIMS)
      assert.equal("", warnings)
      assert.matches("claim c1: subject 'Detainees' is not in the vocabulary %(did you mean 'detainees'%?%): .*" ..
         "%(vocabulary: strict%)", errors)
      assert.matches("claim c3: scope tag 'civilian'", errors)
      errors = validate(CLAIMS, { strict = true })
      assert.equal(3, select(2, errors:gsub("\n", "")) + 1)
      errors = validate("vocabulary: {strict: true, subjects: {Detainees: {}, detainee: {}}}\n" .. CLAIMS)
      assert.matches("^v.yaml:%d+:%d+: claim c3: scope tag 'civilian'[^\n]*$", errors)
   end)

   it("adds subjects, with their kind, and scope tags, with their synonyms, and the readers compare through them",
      function()
         local db = assert(parley.open(":memory:"))
         local summary = assert(db:import(yaml.load(HEAD .. [[
vocabulary:
  subjects:
    detainees: {synonyms: [Detainees]}
    hostages_freed: {kind: event}
  scopes:
    soldiers: {synonyms: [servicemen_and_officers]}
    volunteer_units:
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: Detainees, count: {exact: 1},
     scope: [servicemen_and_officers, volunteer_units]}
  - {id: c2, claimant: ARM, source: s1, as_of: 2021, subject: hostages_freed, count: {exact: 1}}
]])))
         assert.same({}, summary.warnings)
         local c = {}
         for r in db:claims() do c[r.id] = r end
         assert.same({ subject = "detainees", kind = "stock", scope = { "soldiers", "volunteer_units" } },
            c.c1.canonical)
         assert.equal("Detainees", c.c1.subject) -- the record keeps what the source said
         assert.same({ subject = "hostages_freed", kind = "event" }, c.c2.canonical)
         -- a later import uses the stored vocabulary, and its readers too
         summary = assert(db:import({ claims = { { id = "c3", claimant = "AZE", source = "s1", as_of = "2022",
            subject = "Detainees", count = { exact = 2 }, scope = { "volunteer_units" } } } }))
         assert.same({}, summary.warnings)
         local got
         for r in db:claims({ id = "c3" }) do got = r.canonical end
         assert.same({ subject = "detainees", kind = "stock", scope = { "volunteer_units" } }, got)
         assert.equal(1, db:first("SELECT count(*) AS n FROM vocabularies").n)
         db:close()
      end)

   it("compares a subject in another case only once it is declared a synonym", function()
      local db = assert(parley.open(":memory:"))
      local summary = assert(db:import(yaml.load(HEAD .. CLAIMS)))
      assert.equal(3, #summary.warnings)
      assert.matches("^<?[%w.]*>?:?%d*:?%d*:? ?claim c1: subject 'Detainees'", summary.warnings[1])
      local c = {}
      for r in db:claims() do c[r.id] = r end
      assert.equal("Detainees", c.c1.canonical.subject)
      assert.equal("detainees", c.c3.canonical.subject)
      db:close()
   end)

   it("only adds: a term keeps its meaning, whatever a later dataset says", function()
      local errors = validate([[
vocabulary:
  subjects:
    detainees: {kind: event}
    missing_persons: {}
    remains: {synonyms: [detainees, pows]}
  scopes:
    soldiers: {synonyms: [civilians]}
    kids: {synonyms: [children]}
]])
      assert.matches("v.yaml:8:5: the subject 'detainees' is already a stock, it cannot become an event " ..
         "%(at vocabulary%.subjects%.detainees%)", errors)
      assert.matches("'missing_persons' is already a synonym of the subject 'missing'", errors)
      assert.matches("'detainees' is a subject of its own, it cannot be a synonym of 'remains'", errors)
      assert.matches("'civilians' is a scope tag of its own, it cannot be a synonym of 'soldiers'", errors)
      assert.matches("'children' is already a synonym of the scope tag 'minors'", errors)
      assert.matches("v.yaml:9:5: 'x' is already a synonym of the scope tag 'a'",
         (validate("vocabulary:\n  scopes:\n    a: {synonyms: [x]}\n    x: {}\n")))
      assert.matches("'y' is already a synonym of the subject 'a'",
         (validate("vocabulary:\n  subjects:\n    a: {synonyms: [y]}\n    b: {synonyms: [y]}\n")))
      assert.matches("expected one of stock, event", (validate("vocabulary: {subjects: {x: {kind: stok}}}\n")))
      assert.matches("expected strict, or a mapping", (validate("vocabulary: lenient\n")))
      assert.matches("unknown key 'synonym' %(did you mean 'synonyms'%?%)",
         (validate("vocabulary: {scopes: {x: {synonym: [y]}}}\n")))
   end)

   it("reaches the rules' readers in the sandbox", function()
      local dir = support.tmpname("vocab")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/data.yaml", HEAD .. [[
vocabulary:
  scopes:
    soldiers: {synonyms: [servicemen_and_officers]}
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: pows, count: {exact: 1},
     scope: [servicemen_and_officers]}
]])
      support.write(dir .. "/r.lua", "return {id = 'r', version = '1', run = function(ctx) " ..
         "for c in ctx.db:claims() do ctx:finding{message = c.canonical.subject .. ' ' .. c.canonical.kind .. ' ' " ..
         ".. table.concat(c.canonical.scope, ','), evidence = {claims = {c.id}}} end end}")
      support.write(dir .. "/config.yaml", "parley: 1\ndata: [data.yaml]\nrules: [{script: r.lua}]\n")
      local run = assert(parley.reconcile(dir .. "/config.yaml"))
      assert.equal("prisoners_of_war stock soldiers", run.findings[1].message)
   end)
end)

describe("the command line", function()
   it("prints each warning on stderr, as warning: file:line:col: ..., and does not fail for it", function()
      local dir = support.tmpname("cli-vocab")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/d.yaml", HEAD .. CLAIMS)
      local code, out, err = support.parley("import", dir .. "/s.db", dir .. "/d.yaml")
      assert.equal(0, code, err)
      assert.matches("imported 1 file", out)
      assert.matches("warning: " .. dir:gsub("%p", "%%%0") .. "/d.yaml:7:63: claim c1: subject 'Detainees'", err)
      assert.equal(3, select(2, err:gsub("warning: ", "")))
      code, out, err = support.parley("validate", dir .. "/d.yaml")
      assert.equal("1 file valid\n", out)
      assert.equal(0, code, err)
      assert.matches("warning: .*d.yaml:10:24: claim c3: scope tag 'civilian'", err)
   end)

   it("parley claims --subject detainee says: did you mean detainees?", function()
      local dir = support.tmpname("cli-subject")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/d.yaml", HEAD .. [[
claims:
  - {id: c1, claimant: ARM, source: s1, as_of: 2021, subject: detainees, count: {exact: 1}}
]])
      assert.equal(0, (support.parley("import", dir .. "/s.db", dir .. "/d.yaml")))
      local code, out = support.parley("claims", dir .. "/s.db", "--subject", "detainee")
      assert.equal(0, code)
      assert.equal("no claims about detainee: did you mean detainees?\n", out)
      code, out = support.parley("claims", dir .. "/s.db", "--subject", "hostages")
      assert.equal(0, code)
      assert.equal("no claims about hostages\n", out)
      -- a synonym is its subject, and the claims of a synonym are its subject's
      support.write(dir .. "/e.yaml", [[
claims:
  - {id: c2, claimant: ARM, source: s1, as_of: 2022, subject: detained_persons, count: {exact: 2}}
]])
      assert.equal(0, (support.parley("import", dir .. "/s.db", dir .. "/e.yaml")))
      code, out = support.parley("claims", dir .. "/s.db", "--subject", "captives")
      assert.equal(0, code)
      assert.matches("^detainees\n", out)
      assert.matches("ARM%s+2021%s+1 ", out)
      assert.matches("ARM%s+2022%s+2 ", out)
   end)
end)

describe("a config's vocabulary: strict", function()
   it("refuses the data's unknown terms; without it, the run carries the import's warnings", function()
      local dir = support.tmpname("cfg-vocab")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/d.yaml", HEAD .. CLAIMS)
      support.write(dir .. "/strict.yaml", "parley: 1\ndata: [d.yaml]\nrules: [{use: count_gap}]\n" ..
         "vocabulary: strict\n")
      support.write(dir .. "/lax.yaml", "parley: 1\ndata: [d.yaml]\nrules: [{use: count_gap}]\n")
      local run, err, kind = parley.reconcile(dir .. "/strict.yaml")
      assert.is_nil(run)
      assert.equal("input", kind)
      assert.matches("d.yaml:7:63: claim c1: subject 'Detainees' is not in the vocabulary", err)
      run = assert(parley.reconcile(dir .. "/lax.yaml"))
      assert.equal(3, #run.warnings)
      local code, _, stderr = support.parley("reconcile", dir .. "/lax.yaml")
      assert.equal(0, code, stderr)
      assert.matches("warning: .*d.yaml:8:63: claim c2: subject 'detainee'", stderr)
      local _, bad = parley.reconcile({ rules = { { use = "count_gap" } }, vocabulary = "loose" })
      assert.matches("expected one of strict", bad)
   end)
end)

describe("a table's terms", function()
   it("are warned of at the cell they come from, a tag split from a cell too", function()
      local dir = support.tmpname("table-vocab")
      os.execute("mkdir -p " .. support.quote(dir))
      local fixtures = support.top .. "/spec/fixtures/tables/"
      support.write(dir .. "/claims.csv", (support.read(fixtures .. "claims.csv"):gsub("soldiers; civilians",
         "soldier; civilians")))
      local dataset_tables = require "parley.tables"
      local doc = assert(dataset_tables.document({ table = dir .. "/claims.csv", map = fixtures .. "claims.map.yaml" }))
      local batch = dataset.validate({ doc }, {})
      local warnings = dataset.format_list(batch.warnings)
      assert.equal(1, #warnings)
      assert.matches("claims.csv:2:7 %(scope%): scope: scope tag 'soldier' is not in the vocabulary %(did you mean " ..
         "'soldiers'%?%)", warnings[1])
   end)
end)
