-- SPDX-License-Identifier: MIT
-- The run history (lua/parley/history.lua, docs/reports.md): stored runs listed, loaded back
-- without running their rules, and compared: findings new, persisting or resolved (matched by
-- fingerprint) since the previous run of the same config, and rules that changed version.
local parley = require "parley"
local json = require "parley.json"
local history = require "parley.history"
local support = require "support"

-- A rule whose findings the spec chooses: one per id in the file ids.txt beside it.
local function rule_source(version)
   return string.format([[
return { id = "pick", version = %q, description = "one finding per id in the list", run = function(ctx)
   for _, id in ipairs(ctx.params.ids) do
      ctx:finding{ message = "picked " .. id, evidence = { claims = { id } }, measures = { n = #id } }
   end
end, params = { ids = { type = "list", default = {} } } }
]], version)
end

-- A project: a store file, the example dataset, and a config per name.
local function project()
   local dir = support.tmpname("history")
   os.execute(string.format("mkdir -p %s && cp %s/examples/caucasus-2021/dataset.yaml %s/", support.quote(dir),
      support.quote(support.top), support.quote(dir)))
   local p = { dir = dir, store = dir .. "/store.db" }
   -- runs the config `name` with the rule at `version` picking `ids`; returns the run
   function p.run(name, version, ids)
      support.write(dir .. "/pick.lua", rule_source(version))
      local quoted = {}
      for i, id in ipairs(ids) do quoted[i] = json.encode(id) end
      local path = dir .. "/" .. name .. ".yaml"
      support.write(path, table.concat({ "parley: 1", "store: " .. p.store, "data: [dataset.yaml]", "rules:",
         "  - use: count_gap", "    with: {scopes: overlap}",
         "  - script: pick.lua", "    with: {ids: [" .. table.concat(quoted, ", ") .. "]}" },
         "\n"))
      return assert(parley.reconcile(path)), path
   end
   return p
end

local function fingerprints(findings)
   local out = {}
   for i, f in ipairs(findings) do out[i] = f.message end
   table.sort(out)
   return out
end

describe("history", function()
   local p, r1, r2, r3, r4, config
   setup(function()
      p = project()
      r1, config = p.run("a", "1.0.0", { "x", "y" })
      r2 = p.run("other", "1.0.0", { "x" })           -- another config in between: not a's history
      r3 = p.run("a", "1.1.0", { "y", "z", "z" })      -- x resolved, y persisting, z new (twice)
      r4 = p.run("a", "1.1.0", { "y", "z", "z" })      -- the same again: everything persists
   end)

   it("lists the stored runs, oldest first, with their findings and errors", function()
      local db = assert(parley.open(p.store, { readonly = true }))
      local runs = history.runs(db)
      db:close()
      assert.equal(4, #runs)
      assert.same({ r1.id, r2.id, r3.id, r4.id }, { runs[1].id, runs[2].id, runs[3].id, runs[4].id })
      assert.equal(config, runs[1].config)
      assert.equal(#r1.findings, runs[1].findings)
      assert.equal(#r3.findings, runs[3].findings)
      assert.equal(0, runs[1].errors)
      assert.equal("ok", runs[1].status)
   end)

   it("finds the previous run of the same config, skipping other configs", function()
      local db = assert(parley.open(p.store, { readonly = true }))
      assert.equal(r1.id, history.previous(db, r3.id))
      assert.equal(r3.id, history.previous(db, r4.id))
      assert.is_nil(history.previous(db, r1.id))
      assert.is_nil(history.previous(db, r2.id))
      assert.equal(r4.id, history.latest(db))
      db:close()
   end)

   it("tells new, persisting and resolved findings apart by fingerprint, and rules that changed version", function()
      local db = assert(parley.open(p.store, { readonly = true }))
      local d = assert(history.diff(db, r1.id, r3.id))
      db:close()
      assert.same({ "picked z", "picked z" }, fingerprints(d.new))
      assert.same({ "detainees held by AZE, about ARM: ARM says ~200 (2021-06, civilians, soldiers), AZE says ~60 " ..
         "(2021-06, entered_after_ceasefire, soldiers): 3.3 times as many",
         "picked y" }, fingerprints(d.persisting))
      assert.same({ "picked x" }, fingerprints(d.resolved))
      assert.same({ "x" }, d.resolved[1].evidence.claims)
      assert.same({ { rule = "pick", from = "1.0.0", to = "1.1.0" } }, d.rules_changed)
      assert.same({}, d.rules_added)
      assert.equal(r1.id, d.a.id)
      assert.equal(r3.id, d.b.id)
      -- change is given per finding of b, in b's order
      for i, f in ipairs(r3.findings) do
         assert.equal(f.message == "picked z" and "new" or "persisting", d.change[i], f.message)
      end
   end)

   it("matches a fingerprint as many times as it occurs", function()
      local db = assert(parley.open(p.store, { readonly = true }))
      local d = assert(history.diff(db, r3.id, r4.id))
      local back = assert(history.diff(db, r4.id, r1.id))
      db:close()
      assert.equal(0, #d.new)
      assert.equal(0, #d.resolved)
      assert.equal(#r4.findings, #d.persisting)
      assert.same({ "picked x" }, fingerprints(back.new))
      assert.same({ "picked z", "picked z" }, fingerprints(back.resolved))
   end)

   it("makes every finding of a first run new", function()
      local db = assert(parley.open(p.store, { readonly = true }))
      local d = assert(history.diff(db, nil, r1.id))
      local bad, err = history.diff(db, 999, r1.id)
      db:close()
      assert.is_nil(d.a)
      assert.equal(#r1.findings, #d.new)
      assert.is_nil(bad)
      assert.matches("there is no run 999", err)
   end)

   it("loads a stored run in the shape the engine returns, without running its rules", function()
      local db = assert(parley.open(p.store, { readonly = true }))
      local loaded = assert(history.load_run(db, r3.id))
      local missing, err = history.load_run(db, 999)
      db:close()
      assert.is_nil(missing)
      assert.matches("there is no run 999", err)
      assert.equal(getmetatable(r3), getmetatable(loaded))
      for _, k in ipairs({ "id", "config_name", "config_sha256", "started_at", "finished_at", "status", "store" }) do
         assert.equal(r3[k], loaded[k], k)
      end
      assert.equal(#r3.findings, #loaded.findings)
      for i, f in ipairs(r3.findings) do
         local g = loaded.findings[i]
         for _, k in ipairs({ "rule", "rule_version", "severity", "message", "fingerprint" }) do
            assert.equal(f[k], g[k], k)
         end
         assert.same(f.evidence, g.evidence)
         assert.same(f.measures, g.measures)
      end
      assert.equal(#r3.outcomes, #loaded.outcomes)
      for i, o in ipairs(r3.outcomes) do
         local g = loaded.outcomes[i]
         for _, k in ipairs({ "rule", "version", "description", "outcome", "error", "limit", "total", "truncated",
            "seconds" }) do
            assert.equal(o[k], g[k], k)
         end
         assert.same(o.log, g.log)
      end
      assert.same(r3.rules, loaded.rules)
      assert.same(r3:counts(), loaded:counts())
   end)

   it("is in every report: the text, json, csv, sarif, markdown and html of a later run", function()
      local text = r3:report("text")
      assert.matches("picked z %(new%)", text)
      assert.matches("picked y %(persisting%)", text)
      assert.matches("%[resolved%] pick: picked x", text)
      assert.matches("since run " .. r1.id .. " %(.-%): 2 new, 2 persisting, 1 resolved; rules changed: pick " ..
         "1%.0%.0 %-> 1%.1%.0", text)
      local lines = {}
      for line in r3:report("json"):gmatch("[^\n]+") do lines[#lines + 1] = json.decode(line) end
      assert.equal("history", lines[2].type)
      assert.equal(r1.id, lines[2].previous)
      assert.equal(2, lines[2].new)
      assert.equal(2, lines[2].persisting)
      assert.equal("picked x", lines[2].resolved[1].message)
      assert.same({ { rule = "pick", from = "1.0.0", to = "1.1.0" } }, lines[2].rules_changed)
      local sarif = json.decode(r3:report("sarif"))
      local states = {}
      for _, res in ipairs(sarif.runs[1].results) do states[res.message.text] = res.baselineState end
      assert.equal("new", states["picked z"])
      assert.equal("unchanged", states["picked y"])
      assert.equal(r1.id, sarif.runs[1].properties.previousRun)
      assert.equal("picked x", sarif.runs[1].properties.resolved[1].message)
      local csv = r3:report("csv")
      assert.matches("\r\n" .. r3.id .. ",pick,1%.1%.0,medium,new,picked z,", csv)
      assert.matches("\r\n" .. r3.id .. ",pick,1%.1%.0,medium,persisting,picked y,", csv)
      local md = r3:report("markdown")
      assert.matches("| medium | 4 | 2 | 2 | 0 | 1 |", md, 1, true)
      assert.matches("| pick | 1.0.0 | 1.1.0 |", md, 1, true)
      local html = r3:report("html")
      assert.matches('<span class="chg">new</span>', html, 1, true)
      assert.matches("<caption>Resolved findings", html, 1, true)
      assert.matches("<td>pick</td><td>1.0.0</td><td>1.1.0</td>", html, 1, true)
   end)
end)

describe("parley runs, report and diff", function()
   local p, r1, r3
   setup(function()
      p = project()
      r1 = p.run("a", "1.0.0", { "x", "y" })
      r3 = p.run("a", "1.1.0", { "y", "z" })
   end)

   it("runs lists the stored runs", function()
      local code, out = support.parley("runs", p.store)
      assert.equal(0, code)
      assert.matches("run%s+config%s+started%s+status%s+findings%s+rule errors", out)
      assert.matches("\n" .. r1.id .. "%s+%S+a%.yaml%s+%S+%s+ok%s+3%s+0", out)
      assert.matches("\n" .. r3.id .. "%s+%S+a%.yaml%s+%S+%s+ok%s+3%s+0", out)
   end)

   it("diff compares the latest run with the one before it, or any two runs", function()
      local code, out = support.parley("diff", p.store)
      assert.equal(0, code)
      assert.matches("run " .. r3.id .. " %(.-%) against run " .. r1.id .. " %(.-%): 1 new, 2 persisting, 1 resolved",
         out)
      assert.matches("rule pick: version 1%.0%.0 %-> 1%.1%.0", out)
      assert.matches("%+ new%s+%[medium%] pick: picked z %(%x+%)", out)
      assert.matches("= persisting%s+%[medium%] pick: picked y", out)
      assert.matches("%- resolved%s+%[medium%] pick: picked x", out)
      local err
      code, out, err = support.parley("diff", p.store, tostring(r3.id), tostring(r1.id))
      assert.equal(0, code)
      assert.matches("1 new, 2 persisting, 1 resolved", out)
      assert.matches("%+ new%s+%[medium%] pick: picked x", out)
      assert.matches("warning: run " .. r3.id .. " is newer than run " .. r1.id, err)
      code, out, err = support.parley("diff", p.store, "--new-only")
      assert.equal(0, code)
      assert.equal("", err)
      assert.matches("1 new, 2 persisting, 1 resolved", out)
      assert.matches("%+ new%s+%[medium%] pick: picked z", out)
      assert.not_matches("persisting%s+%[", out)
      assert.not_matches("resolved%s+%[", out)
      code, out = support.parley("diff", p.store, "--resolved-only")
      assert.equal(0, code)
      assert.matches("%- resolved%s+%[medium%] pick: picked x", out)
      assert.not_matches("new%s+%[", out)
      code = support.parley("diff", p.store, "--new-only", "--resolved-only")
      assert.equal(3, code)
      code, out = support.parley("diff", p.store, tostring(r1.id))
      assert.equal(0, code)
      assert.matches("is the first run of its config: 3 new", out)
   end)

   it("report re-renders a stored run in any format, as the run itself did", function()
      for _, format in ipairs({ "text", "json", "csv", "sarif", "markdown", "html" }) do
         local out_path = support.tmpname("report." .. format)
         local code, _, err = support.parley("report", p.store, tostring(r3.id), "--format", format, "--out", out_path)
         assert.equal(0, code, err)
         assert.equal(r3:report(format), support.read(out_path), format)
      end
      local code, out = support.parley("report", p.store, "latest")
      assert.equal(0, code)
      assert.equal(r3:report("text"), out)
   end)

   it("exit 3 on an unknown run, format or store, and say why", function()
      local code, _, err = support.parley("report", p.store, "999")
      assert.equal(3, code)
      assert.matches("there is no run 999", err)
      code, _, err = support.parley("report", p.store, tostring(r1.id), "--format", "pdf")
      assert.equal(3, code)
      assert.matches("unknown format 'pdf'", err)
      code, _, err = support.parley("diff", p.store, "1", "999")
      assert.equal(3, code)
      assert.matches("there is no run 999", err)
      code, _, err = support.parley("runs", p.dir .. "/nope/store.db")
      assert.equal(3, code)
      assert.matches("cannot open", err)
      code, _, err = support.parley("report", p.store)
      assert.equal(3, code)
      assert.matches("usage: parley report DB RUN", err)
      -- an output that cannot be written is exit 2 everywhere (spec/cli_conventions_spec.lua)
      code, _, err = support.parley("report", p.store, "1", "--out", p.dir .. "/nope/out.txt")
      assert.equal(2, code)
      assert.matches("cannot write", err)
   end)

   it("have their help", function()
      for _, name in ipairs({ "runs", "report", "diff" }) do
         local code, out = support.parley("help", name)
         assert.equal(0, code)
         assert.matches("^usage: parley " .. name, out)
      end
      local _, out = support.parley("help")
      assert.matches("runs DB", out)
      assert.matches("report DB RUN", out)
      assert.matches("diff DB %[RUN_A%] %[RUN_B%]", out)
   end)
end)
