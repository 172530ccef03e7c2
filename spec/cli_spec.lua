-- SPDX-License-Identifier: MIT
-- The parley command line: what it prints and the exit codes, which never change meaning.
local json = require "parley.json"
local support = require "support"

local EXAMPLE = support.top .. "/examples/caucasus-2021/dataset.yaml"

describe("parley", function()
   it("prints its usage on stderr and exits 3 without a command", function()
      local code, out, err = support.parley()
      assert.equal(3, code)
      assert.equal("", out)
      assert.matches("usage: parley COMMAND", err)
   end)

   it("suggests a command for a misspelt one", function()
      local code, _, err = support.parley("imprt")
      assert.equal(3, code)
      assert.matches("unknown command 'imprt' %(did you mean 'import'%?%)", err)
   end)

   it("describes each command with --help", function()
      for _, cmd in ipairs({ "import", "validate", "claims", "query", "reconcile", "rules" }) do
         local code, out = support.parley(cmd, "--help")
         assert.equal(0, code)
         assert.matches("usage: parley " .. cmd, out)
      end
   end)
end)

describe("parley validate", function()
   it("exits 0 for a valid file", function()
      local code, out, err = support.parley("validate", EXAMPLE)
      assert.equal(0, code, err)
      assert.equal("1 file valid\n", out)
   end)

   it("exits 3 and gives every problem as file:line:col: message (at key.path)", function()
      local path = support.write(support.tmpname("bad.yaml"), table.concat({
         "parties:",
         "  - {id: ARM, name: Armenia}",
         "claims:",
         "  - id: c1",
         "    claimant: ARN",
         "    source: nowhere",
         "    as_of: 2021-06",
         "    subject: detainees",
         "    count: {best: 200, aprox: true}",
      }, "\n"))
      local code, out, err = support.parley("validate", path)
      assert.equal(3, code)
      assert.equal("", out)
      assert.matches(path:gsub("%p", "%%%0") .. ":5:15: claim c1: unknown party 'ARN' %(did you mean 'ARM'%?%) " ..
         "%(at claims%[1%]%.claimant%)", err)
      assert.matches(":6:13: claim c1: unknown source 'nowhere' %(at claims%[1%]%.source%)", err)
      assert.matches(":9:24: claim c1: unknown key 'aprox' %(did you mean 'approx'%?%) " ..
         "%(at claims%[1%]%.count%.aprox%)", err)
   end)

   it("exits 3 on YAML that does not parse, saying where", function()
      local path = support.write(support.tmpname("broken.yaml"), "parties: [\n  {id: ARM\n")
      local code, _, err = support.parley("validate", path)
      assert.equal(3, code)
      assert.matches(path:gsub("%p", "%%%0") .. ":%d+:%d+: ", err)
   end)
end)

describe("parley import", function()
   it("imports into a new store, and skips a file imported before", function()
      local db = support.tmpname("cli.db")
      local code, out, err = support.parley("import", db, EXAMPLE)
      assert.equal(0, code, err)
      assert.matches("imported 1 file into .*: 9 parties, 6 sources, 6 claims, 1 exchanges", out)
      code, out = support.parley("import", db, EXAMPLE)
      assert.equal(0, code)
      assert.matches("already imported %(import 1%), skipped", out)
   end)

   it("exits 3 on invalid input and leaves the store as it was", function()
      local db = support.tmpname("cli-bad.db")
      assert.equal(0, (support.parley("import", db, EXAMPLE)))
      local bad = support.write(support.tmpname("bad.yaml"), "claims:\n  - {id: x}\n")
      local code, _, err = support.parley("import", db, bad)
      assert.equal(3, code)
      assert.matches("missing required key 'claimant'", err)
      local _, out = support.parley("query", db, "SELECT count(*) AS n FROM imports")
      assert.matches("\n1\n", out)
   end)

   it("exits 3 when a file is missing", function()
      local code, _, err = support.parley("import", support.tmpname("x.db"), "/nonexistent.yaml")
      assert.equal(3, code)
      assert.matches("/nonexistent.yaml", err)
   end)
end)

describe("parley claims", function()
   it("prints each subject's claims side by side with their sources", function()
      local db = support.tmpname("claims.db")
      assert.equal(0, (support.parley("import", db, EXAMPLE)))
      local code, out = support.parley("claims", db, "--subject", "detainees")
      assert.equal(0, code)
      assert.matches("detainees held by AZE, about ARM", out)
      assert.matches("ARM%s+2021%-06%s+~200%s+soldiers, civilians%s+cpc%-2021%-06%-swap %(B2%)", out)
      assert.matches("AZE%s+2021%-06%s+~60%s+soldiers, entered_after_ceasefire", out)
      assert.not_matches("mine_maps", out)
   end)
end)

describe("parley query", function()
   it("prints rows, binding values to parameters", function()
      local db = support.tmpname("q.db")
      assert.equal(0, (support.parley("import", db, EXAMPLE)))
      local code, out = support.parley("query", db, "SELECT region, mines FROM mine_maps WHERE mines > ?", "1000")
      assert.equal(0, code)
      assert.matches("region%s+mines\n%-+%s+%-+\nAgdam%s+97000\n%(1 row%)", out) -- in SELECT order
   end)

   it("exits 3 on an SQL error, and cannot write", function()
      local db = support.tmpname("q2.db")
      assert.equal(0, (support.parley("import", db, EXAMPLE)))
      local code, _, err = support.parley("query", db, "SELECT nope FROM claims")
      assert.equal(3, code)
      assert.matches("no such column: nope", err)
      code, _, err = support.parley("query", db, "INSERT INTO parties (id, name) VALUES ('X', 'x')")
      assert.equal(3, code)
      assert.matches("read%-only", err)
   end)
end)

describe("parley reconcile", function()
   local config = support.top .. "/examples/caucasus-2021/reconcile.yaml"

   it("runs the example and prints its findings", function()
      local code, out, err = support.parley("reconcile", config)
      assert.equal(0, code, err)
      assert.matches("%[medium%] count_gap: detainees held by AZE, about ARM: ARM says ~200 %(2021%-06, civilians, " ..
         "soldiers%), AZE says ~60 %(2021%-06, entered_after_ceasefire, soldiers%): 3%.3 times as many", out)
      assert.matches("run 1: 2 rules, %d+ findings", out)
   end)

   it("writes one JSON object per line with --format json", function()
      local code, out = support.parley("reconcile", config, "--format", "json", "-j", "1")
      assert.equal(0, code)
      local kinds = {}
      for line in out:gmatch("[^\n]+") do
         local obj = json.decode(line)
         kinds[obj.type] = (kinds[obj.type] or 0) + 1
         if obj.type == "finding" then
            assert.matches("^%x+$", obj.fingerprint)
            assert.is_table(obj.evidence.claims)
         end
      end
      assert.equal(1, kinds.run)
      assert.equal(2, kinds.outcome)
      assert.is_true(kinds.finding >= 1)
   end)

   it("exits 1 when a finding is at or above --fail-on", function()
      assert.equal(1, (support.parley("reconcile", config, "--fail-on", "medium", "--quiet")))
      assert.equal(0, (support.parley("reconcile", config, "--fail-on", "critical", "--quiet")))
   end)

   it("exits 3 on a bad config, with its position", function()
      local path = support.write(support.tmpname("bad-config.yaml"), "parley: 1\nrules:\n  - use: count_gapp\n")
      local code, _, err = support.parley("reconcile", path)
      assert.equal(3, code)
      assert.matches(":3:10: no built%-in rule 'count_gapp' %(did you mean 'count_gap'%?%) %(at rules%[1%]%.use%)", err)
   end)

   it("exits 2 when a rule fails", function()
      local dir = support.tmpname("failing")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/boom.lua", "return {id = 'boom', version = '1', run = function() error('kaboom') end}")
      support.write(dir .. "/config.yaml", "rules:\n  - script: boom.lua\n")
      local code, out = support.parley("reconcile", dir .. "/config.yaml")
      assert.equal(2, code)
      assert.matches("%[error%] boom: .*kaboom", out)
   end)
end)

describe("parley rules", function()
   it("lists the built-in rules", function()
      local code, out = support.parley("rules", "list")
      assert.equal(0, code)
      assert.matches("count_gap%s+%d+%.%d+%.%d+%s+Counts of the same subject", out)
   end)

   it("runs a rule's test cases", function()
      local code, out = support.parley("rules", "test", support.top .. "/examples/caucasus-2021/rules")
      assert.equal(0, code, out)
      assert.matches("3 passed, 0 failed", out)
   end)

   it("reports the differences when a case fails, and exits 1", function()
      local dir = support.tmpname("ruletests")
      os.execute("mkdir -p " .. support.quote(dir))
      os.execute(string.format("cp %s/examples/caucasus-2021/rules/self_sourced.lua %s/", support.quote(support.top),
         support.quote(dir)))
      support.write(dir .. "/self_sourced.test.yaml", table.concat({
         "rule: self_sourced.lua",
         "cases:",
         "  - name: wrong expectation",
         "    dataset:",
         "      parties: [{id: ARM, name: Armenia}]",
         "      sources: [{id: own, title: t, party: ARM}]",
         "      claims: [{id: c, claimant: ARM, source: own, as_of: 2021, subject: x, count: {exact: 1}}]",
         "    expect:",
         "      - {severity: high, evidence: {claims: [c]}, measures: {sources: 2}}",
         "      - {evidence: {claims: [nowhere]}}",
      }, "\n"))
      local code, out = support.parley("rules", "test", dir)
      assert.equal(1, code)
      assert.matches("FAIL .*wrong expectation", out)
      -- the finding the first expectation is about, field by field
      assert.matches("differs: %[low%] self_sourced: ARM's claim c rests only", out)
      assert.matches("expected severity high, got low", out, 1, true)
      assert.matches("expected measures.sources = 2, got nil", out, 1, true)
      -- and one that no finding is about
      assert.matches("missing: %[%?%] self_sourced:  %(claims=nowhere%)", out)
      assert.not_matches("unexpected:", out)
      assert.matches("0 passed, 1 failed", out)
   end)
end)

describe("parley names", function()
   it("says whether two spellings are the same name, with the score and why", function()
      local code, out = support.parley("names", "match", "Мамедов Эльвин Рашад оглы", "Elvin Mammadov")
      assert.equal(0, code)
      assert.matches("^match 0%.%d+ ", out)
      code, out = support.parley("names", "match", "Khachatryan", "Khachaturyan")
      assert.equal(1, code)
      assert.matches("^no match ", out)
   end)

   it("prints a name's matching key", function()
      local _, a = support.parley("names", "key", "Оганесян")
      local _, b = support.parley("names", "key", "Oganesyan")
      assert.equal(a, b)
      local _, c = support.parley("names", "key", "Hagop")
      assert.equal("akop\n", c)
   end)
end)
