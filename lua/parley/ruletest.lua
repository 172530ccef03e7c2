-- SPDX-License-Identifier: MIT
-- `parley rules test DIR`: a rule author keeps, beside a rule, a NAME.test.yaml file of cases,
-- each a small dataset and the findings it must produce. The cases run through the real
-- engine (sandbox included), and every difference is reported. See docs/rules.md.

local core = require "parley.core"
local output_files = require "parley.files"
local check = require "parley.check"
local engine = require "parley.engine"
local store = require "parley.store"
local vocab = require "parley.vocab"
local yaml = require "parley.yaml"
local json = require "parley.json"

local ruletest = {}

local EXPECT = check.spec({
   { "rule", check.string }, { "severity", check.enum(vocab.SEVERITIES) },
   { "message", check.string }, { "evidence", function(ctx, v, where)
      if not check.is_map(v) then
         ctx:problem(where, "expected a mapping of evidence kinds to lists of ids, got " .. check.describe(v))
         return nil
      end
      return v
   end },
   { "measures", function(_, v) return v end }, { "details", function(_, v) return v end },
})

local CASE = check.spec({
   { "name", check.string, required = true }, { "data", check.list(check.string) },
   { "dataset", function(_, v) return v end }, { "with", function(_, v) return v end },
   { "expect", check.list(check.mapping(EXPECT)) }, { "exact", check.boolean },
   { "error", check.string },
})

local FILE = check.spec({
   { "rule", check.string }, { "use", check.string },
   { "cases", check.list(check.mapping(CASE)), required = true },
}, function(ctx, f, _, where)
   if (f.rule == nil) == (f.use == nil) then
      ctx:problem(where, "a rule test names the rule with rule: PATH or use: NAME, exactly one")
      return false
   end
end)

local function dirname(path) return path:match("^(.*)/[^/]*$") or "." end

local function same_set(a, b)
   if #a ~= #b then return false end
   local count = {}
   for _, x in ipairs(a) do count[x] = (count[x] or 0) + 1 end
   for _, x in ipairs(b) do
      if not count[x] or count[x] == 0 then return false end
      count[x] = count[x] - 1
   end
   return true
end

local function show(v)
   if type(v) == "table" then return table.concat(v, ",") end
   if type(v) == "string" then return string.format("%q", v) end
   return tostring(v)
end

-- Whether a finding's detail is the one expected: equal scalars, or tables with the same
-- keys and equal values (lists in order).
local function same_value(want, got)
   if type(want) ~= "table" or type(got) ~= "table" then
      if type(want) == "number" and type(got) == "number" then return math.abs(want - got) <= 1e-9 end
      return want == got
   end
   for k, v in pairs(want) do
      if not same_value(v, got[k]) then return false end
   end
   for k in pairs(got) do
      if want[k] == nil then return false end
   end
   return true
end

local function show_value(v)
   if type(v) == "table" then return json.encode(v) end
   return show(v)
end

-- How finding f differs from what a case expects of it: a line per field ("expected
-- measures.difference = -1, got -2"); empty when f is the expected finding.
local function differences(expect, f, rule_id)
   local out = {}
   local rule = expect.rule or rule_id
   if rule ~= f.rule then out[#out + 1] = string.format("expected rule %s, got %s", rule, tostring(f.rule)) end
   if expect.severity and expect.severity ~= f.severity then
      out[#out + 1] = string.format("expected severity %s, got %s", expect.severity, tostring(f.severity))
   end
   if expect.message and not (f.message or ""):find(expect.message, 1, true) then
      out[#out + 1] = string.format("expected a message containing %s, got %s", show(expect.message), show(f.message))
   end
   local kinds = {}
   for kind in pairs(expect.evidence or {}) do kinds[#kinds + 1] = kind end
   table.sort(kinds)
   for _, kind in ipairs(kinds) do
      local got = (f.evidence or {})[kind] or {}
      if not same_set(expect.evidence[kind], got) then
         out[#out + 1] = string.format("expected evidence.%s = %s, got %s", kind, show(expect.evidence[kind]),
            #got > 0 and show(got) or "none")
      end
   end
   local names = {}
   for name in pairs(expect.measures or {}) do names[#names + 1] = name end
   table.sort(names)
   for _, name in ipairs(names) do
      local v, got = expect.measures[name], (f.measures or {})[name]
      if type(got) ~= "number" or math.abs(got - v) > 1e-6 * math.max(1, math.abs(v)) then
         out[#out + 1] = string.format("expected measures.%s = %s, got %s", name, show(v), show(got))
      end
   end
   -- details: only the keys the case names, each equal to what it says
   local keys = {}
   for name in pairs(expect.details or {}) do keys[#keys + 1] = tostring(name) end
   table.sort(keys)
   for _, name in ipairs(keys) do
      local v, got = expect.details[name], (f.details or {})[name]
      if not same_value(v, got) then
         out[#out + 1] = string.format("expected details.%s = %s, got %s", name, show_value(v), show_value(got))
      end
   end
   return out
end

-- Whether a finding that is not the expected one is still the one the expectation is about:
-- the same rule and at least one evidence id in common (or an expectation without evidence).
local function about_the_same(expect, f, rule_id)
   if (expect.rule or rule_id) ~= f.rule then return false end
   if not expect.evidence or next(expect.evidence) == nil then return true end
   for kind, ids in pairs(expect.evidence) do
      local got = {}
      for _, id in ipairs((f.evidence or {})[kind] or {}) do got[id] = true end
      for _, id in ipairs(ids) do
         if got[id] then return true end
      end
   end
   return false
end

local function describe_finding(f)
   local parts = {}
   for _, kind in ipairs(vocab.EVIDENCE_KINDS) do
      if f.evidence and f.evidence[kind] then parts[#parts + 1] = kind .. "=" .. table.concat(f.evidence[kind], ",") end
   end
   return string.format("[%s] %s: %s (%s)", f.severity or "?", f.rule or "?", f.message or "", table.concat(parts, " "))
end

-- Runs one case; returns a list of differences (empty when it passes).
local function run_case(file, spec, case)
   local base = dirname(file)
   local path = assert(output_files.private_store())
   local function cleanup() output_files.remove_private_store(path) end
   local db = assert(store.open(path))
   local diffs = {}
   if case.dataset then
      local ok, err = db:import(case.dataset, { name = file .. ": " .. case.name })
      if not ok then diffs[#diffs + 1] = "dataset: " .. err end
   end
   if case.data and #diffs == 0 then
      local paths = {}
      for i, p in ipairs(case.data) do paths[i] = base .. "/" .. p end
      local ok, err = db:import(paths)
      if not ok then diffs[#diffs + 1] = err end
   end
   db:close()
   if #diffs > 0 then
      cleanup()
      return diffs
   end
   local rule = { with = case.with }
   if spec.rule then rule.script = spec.rule else rule.use = spec.use end
   local run, err = engine.reconcile({ parley = 1, store = path, rules = { rule } }, { base = base, jobs = 1 })
   cleanup()
   if not run then return { err } end
   local outcome = run.outcomes[1]
   if case.error then
      if outcome.outcome ~= "error" or not (outcome.error or ""):find(case.error, 1, true) then
         diffs[#diffs + 1] = string.format("expected the rule to fail with %q, it %s", case.error,
            outcome.outcome == "error" and ("failed with: " .. tostring(outcome.error)) or "did not fail")
      end
      return diffs
   end
   if outcome.outcome == "error" then return { "the rule failed: " .. tostring(outcome.error) } end
   local used = {}
   local unmatched = {}
   for _, e in ipairs(case.expect or {}) do
      local found = false
      for i, f in ipairs(run.findings) do
         if not used[i] and #differences(e, f, outcome.rule) == 0 then
            used[i], found = true, true
            break
         end
      end
      if not found then unmatched[#unmatched + 1] = e end
   end
   -- an expectation no finding meets is set against the closest finding about the same thing,
   -- so the author reads which field differs and how, not a "missing" and an "unexpected"
   for _, e in ipairs(unmatched) do
      local best, best_diffs
      for i, f in ipairs(run.findings) do
         if not used[i] and about_the_same(e, f, outcome.rule) then
            local d = differences(e, f, outcome.rule)
            if not best_diffs or #d < #best_diffs then best, best_diffs = i, d end
         end
      end
      if best then
         used[best] = true
         diffs[#diffs + 1] = "differs: " .. describe_finding(run.findings[best])
         for _, d in ipairs(best_diffs) do diffs[#diffs + 1] = "  " .. d end
      else
         diffs[#diffs + 1] = "missing: " .. describe_finding({ rule = e.rule or outcome.rule, severity = e.severity,
            message = e.message, evidence = e.evidence })
      end
   end
   if case.exact ~= false then
      for i, f in ipairs(run.findings) do
         if not used[i] then diffs[#diffs + 1] = "unexpected: " .. describe_finding(f) end
      end
   end
   return diffs
end

-- Every *.test.yaml file under dir, at any depth, sorted by path (a directory walk: no shell).
local function test_files(dir, found)
   found = found or {}
   for _, e in ipairs(core.list_dir(dir) or {}) do
      local path = dir:gsub("/+$", "") .. "/" .. e.name
      if e.kind == "directory" then
         test_files(path, found)
      elseif e.kind == "file" and e.name:match("%.test%.yaml$") then
         found[#found + 1] = path
      end
   end
   return found
end

-- Runs every *.test.yaml under dir (or one file). out(line) prints. Returns passed, failed,
-- or nil and the problems when a test file is malformed.
function ruletest.run(dir, out)
   local files = {}
   if dir:match("%.test%.yaml$") then
      files[1] = dir
   else
      files = test_files(dir)
      table.sort(files)
   end
   if #files == 0 then return nil, "no *.test.yaml files in " .. dir end
   local passed, failed = 0, 0
   for _, file in ipairs(files) do
      local data, marks = yaml.load_file(file, { marks = true })
      if data == nil and marks then return nil, marks end
      local ctx = check.new_context()
      local spec = check.fields(ctx, data, { doc = { data = data, marks = marks, name = file }, path = "" }, FILE)
      if not spec then return nil, check.format_problems(ctx.problems) end
      for _, case in ipairs(spec.cases) do
         local diffs = run_case(file, spec, case)
         if #diffs == 0 then
            passed = passed + 1
            out(string.format("ok    %s: %s", file, case.name))
         else
            failed = failed + 1
            out(string.format("FAIL  %s: %s", file, case.name))
            for _, d in ipairs(diffs) do out("      " .. d) end
         end
      end
   end
   out(string.format("%d passed, %d failed", passed, failed))
   return passed, failed
end

return ruletest
