-- SPDX-License-Identifier: MIT
-- "-" reads a dataset from standard input wherever the command line reads a file (validate,
-- import), with messages that name <stdin>; -q/--quiet silences every progress line and summary.
local support = require "support"

local dataset = support.top .. "/examples/caucasus-2021/dataset.yaml"
local parley_bin = support.quote(support.top .. "/bin/parley")

-- Runs bin/parley with the file at stdin_path (or the text stdin_text) on standard input;
-- returns the exit code, stdout and stderr.
local function parley_with_stdin(stdin, ...)
   local args = {}
   for i, a in ipairs({ ... }) do args[i] = support.quote(a) end
   if stdin.text then stdin = { path = support.write(support.tmpname("stdin.yaml"), stdin.text) } end
   local out, err = support.tmpname("out"), support.tmpname("err")
   local _, _, code = os.execute(string.format("%s %s <%s >%s 2>%s", parley_bin, table.concat(args, " "),
      support.quote(stdin.path), out, err))
   return code, support.read(out), support.read(err)
end

local BAD = [[
parley: 1
claims:
  - id: x
    count: 5
]]

describe("'-' as a file", function()
   it("validates a dataset from standard input", function()
      local code, out, err = parley_with_stdin({ path = dataset }, "validate", "-")
      assert.equal(0, code, err)
      assert.equal("1 file valid\n", out)
   end)

   it("names <stdin> with the line and column of each problem, all at once", function()
      local code, out, err = parley_with_stdin({ text = BAD }, "validate", "-")
      assert.equal(3, code, out)
      assert.matches("<stdin>:3:5: claim x: missing required key 'claimant' %(at claims%[1%]%)", err)
      assert.matches("<stdin>:4:12: claim x: expected a mapping", err)
      local _
      code, _, err = parley_with_stdin({ text = "parley: 1\nclaims: [\n" }, "validate", "-")
      assert.equal(3, code)
      assert.matches("^<stdin>:%d+:%d+: ", err)
   end)

   it("imports a dataset from standard input, and names <stdin> when it is bad", function()
      local db = support.tmpname("stdin.db")
      local code, out, err = parley_with_stdin({ path = dataset }, "import", db, "-")
      assert.equal(0, code, err)
      assert.matches("^imported 1 file into .*: 9 parties, 6 sources, 6 claims", out)
      code, out = support.parley("query", db, "SELECT name FROM imports")
      assert.equal(0, code)
      assert.matches("<stdin>", out)
      -- the same text again is the same import
      code, out = parley_with_stdin({ path = dataset }, "import", db, "-")
      assert.equal(0, code)
      assert.matches("already imported", out)
      code, out, err = parley_with_stdin({ text = BAD }, "import", db, "-")
      assert.equal(3, code, out)
      assert.matches("<stdin>:4:12: ", err)
   end)

   it("is read once: '-' twice is an error", function()
      local code, _, err = parley_with_stdin({ path = dataset }, "validate", "-", "-")
      assert.equal(3, code)
      assert.matches("'%-' %(standard input%) can be given once", err)
   end)
end)

describe("-q/--quiet", function()
   it("leaves out the summaries of import, validate, export, query and rules test", function()
      local db = support.tmpname("quiet.db")
      local code, out, err = support.parley("import", db, dataset, "-q")
      assert.equal(0, code, err)
      assert.equal("", out)
      code, out, err = support.parley("import", "--quiet", db, dataset)
      assert.equal(0, code, err)
      assert.equal("", out, "a skipped file is a summary line too")
      code, out = support.parley("validate", "-q", dataset)
      assert.equal(0, code)
      assert.equal("", out)
      local dir = support.tmpname("export")
      os.execute("mkdir -p " .. support.quote(dir))
      code, out, err = support.parley("export", db, "--out", dir, "-q")
      assert.equal(0, code, err)
      assert.equal("", out)
      assert.equal(0, (support.sh("ls " .. support.quote(dir) .. "/0001-*.yaml")))
      code, out = support.parley("query", "-q", db, "SELECT 7 AS n")
      assert.equal(0, code)
      assert.equal("n\n-\n7\n", out)
      code, out = support.parley("rules", "test", "-q", support.top .. "/examples/caucasus-2021/rules")
      assert.equal(0, code, out)
      assert.equal("", out)
   end)

   it("still reports problems, and a failing rule case", function()
      local code, out, err = parley_with_stdin({ text = BAD }, "validate", "-q", "-")
      assert.equal(3, code, out)
      assert.matches("<stdin>:4:12:", err)
      local dir = support.tmpname("cases")
      os.execute("mkdir -p " .. support.quote(dir))
      support.write(dir .. "/count_gap.test.yaml", [[
use: count_gap
cases:
  - name: a gap that is not there
    dataset:
      parties: [{id: ARM, name: Armenia}]
    expect:
      - {severity: high}
  - name: no claims, no gap
    dataset:
      parties: [{id: ARM, name: Armenia}]
    expect: []
]])
      code, out = support.parley("rules", "test", "--quiet", dir)
      assert.equal(1, code, out)
      assert.matches("^FAIL  .*a gap that is not there\n", out)
      assert.is_nil(out:find("no claims, no gap", 1, true), "a passing case is not printed")
   end)
end)

describe("'-' as the config", function()
   it("reconciles a config from standard input, its paths relative to the working directory", function()
      local dir = support.top .. "/examples/caucasus-2021"
      local out, err = support.tmpname("out"), support.tmpname("err")
      local _, _, code = os.execute(string.format("cd %s && %s reconcile - --format json <reconcile.yaml >%s 2>%s",
         support.quote(dir), parley_bin, out, err))
      assert.equal(0, code, support.read(err))
      assert.matches('"type":"finding"', support.read(out))
      local bad = support.write(support.tmpname("bad.yaml"), "parley: 1\nrules:\n  - use: count_gapp\n")
      local stdout, stderr
      code, stdout, stderr = parley_with_stdin({ path = bad }, "reconcile", "-")
      assert.equal(3, code, stdout)
      assert.matches("^<stdin>:3:10: no built%-in rule 'count_gapp'", stderr)
   end)
end)
