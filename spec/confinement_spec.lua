-- SPDX-License-Identifier: MIT
-- A config read from a file names only files inside its own directory: its store, data, rule
-- scripts and reports. "..", absolute paths and symbolic links that lead out are refused with
-- file:line:col and the key path, unless the user allows it (--allow-outside, allow_outside =
-- true); a report is never written through a symbolic link.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

local quote = support.quote
local DATASET = json.encode({ parties = { { id = "ARM", name = "Armenia" } } })

-- A project directory inside an outer one that holds a file the config must not touch.
local function project(body)
   local outer = support.tmpname("outer")
   local dir = outer .. "/project"
   assert(os.execute("mkdir -p " .. quote(dir .. "/sub")))
   support.write(dir .. "/data.yaml", DATASET)
   support.write(outer .. "/victim.txt", "precious\n")
   support.write(outer .. "/data.yaml", DATASET)
   local cfg = support.write(dir .. "/parley.yaml", "parley: 1\n" .. body:gsub("OUTER", outer) ..
      (body:find("rules:") and "" or "rules: [{use: count_gap}]\n"))
   return cfg, dir, outer
end

local function refused(cfg, key)
   local run, err = parley.reconcile(cfg)
   assert.is_nil(run)
   local escaped = key:gsub("[%[%]%.]", "%%%0")
   assert.matches("parley%.yaml:%d+:%d+: [^\n]* is outside the config's directory [^\n]*%(at " .. escaped .. "%)", err)
   return err
end

describe("a config's paths", function()
   it("may not climb out of its directory with .. (a report over another file)", function()
      local cfg, _, outer = project("data: [data.yaml]\nreport: [{format: text, path: ../victim.txt}]\n")
      refused(cfg, "report[1].path")
      assert.equal("precious\n", support.read(outer .. "/victim.txt"))
      local code, _, err = support.parley("reconcile", cfg)
      assert.equal(3, code)
      assert.matches("victim.txt is outside the config's directory", err)
      assert.equal("precious\n", support.read(outer .. "/victim.txt"))
   end)

   it("may not be absolute paths outside it, for the store, the data and the scripts", function()
      local cfg = project("store: OUTER/stolen.db\ndata: [OUTER/data.yaml]\nrules: [{script: OUTER/data.yaml}]\n")
      local err = refused(cfg, "store")
      assert.matches("data%[1%]%)", err)
      assert.matches("rules%[1%]%.script%)", err)
   end)

   it("may not lead out through a symbolic link, nor write a report through one", function()
      local cfg, dir, outer = project("data: [data.yaml]\nstore: sub/link/x.db\n" ..
         "report: [{format: text, path: sub/report.txt}]\n")
      assert(os.execute(string.format("ln -s %s %s", quote(outer), quote(dir .. "/sub/link"))))
      assert(os.execute(string.format("ln -s %s %s", quote(outer .. "/victim.txt"), quote(dir .. "/sub/report.txt"))))
      local run, err = parley.reconcile(cfg)
      assert.is_nil(run)
      assert.matches("x%.db is outside the config's directory [^\n]*%(it leads to " .. outer:gsub("%p", "%%%0") ..
         "/x%.db%)", err)
      assert.matches("sub/report%.txt is a symbolic link: a report is never written through one " ..
         "%(at report%[1%]%.path%)", err)
      assert.equal("precious\n", support.read(outer .. "/victim.txt"))
      -- and allowing paths outside still never writes through the link
      run, err = parley.reconcile(cfg, { allow_outside = true })
      assert.is_nil(run)
      assert.matches("is a symbolic link", err)
      assert.equal("precious\n", support.read(outer .. "/victim.txt"))
   end)

   it("may lead anywhere inside it, through links that stay inside and through subdirectories", function()
      local cfg, dir = project("data: [sub/../data.yaml]\nstore: sub/inner/x.db\n" ..
         "report: [{format: json, path: sub/inner/report.json}]\n")
      assert(os.execute(string.format("ln -s %s %s", quote(dir .. "/sub"), quote(dir .. "/sub/inner"))))
      local run = assert(parley.reconcile(cfg))
      assert.is_table(run)
      assert.equal("file", require("parley.core").path_kind(dir .. "/sub/report.json"))
   end)

   it("may lead outside when the user says so: --allow-outside, or allow_outside = true", function()
      local cfg, _, outer = project("data: [../data.yaml]\nstore: OUTER/x.db\n" ..
         "report: [{format: json, path: ../report.json}]\n")
      refused(cfg, "data[1]")
      local code, out, err = support.parley("reconcile", cfg, "--allow-outside", "-q")
      assert.equal(0, code, out .. err)
      assert.equal("file", require("parley.core").path_kind(outer .. "/report.json"))
      assert(parley.reconcile(cfg, { allow_outside = true }))
   end)

   it("of a config given as a table are the calling program's own", function()
      local _, dir, outer = project("")
      local run = assert(parley.reconcile({ parley = 1, data = { "../data.yaml" }, rules = { { use = "count_gap" } },
         store = outer .. "/table.db" }, { base = dir }))
      assert.is_table(run)
   end)
end)

describe("an output file's temporary (core.write_new)", function()
   it("is created new: a link or a file planted at its name is refused, never followed", function()
      local core = require "parley.core"
      local dir = support.tmpname("planted")
      assert(os.execute("mkdir -p " .. quote(dir)))
      local victim = support.write(dir .. "/victim", "precious\n")
      assert(os.execute(string.format("ln -s %s %s", quote(victim), quote(dir .. "/.report.tmp"))))
      local ok, err = core.write_new(dir .. "/.report.tmp", "overwritten")
      assert.is_nil(ok)
      assert.matches("File exists", err)
      assert.equal("precious\n", support.read(victim))
      assert.is_true(core.write_new(dir .. "/fresh", "content"))
      assert.equal("content", support.read(dir .. "/fresh"))
      -- and parley.files.write, which writes through it, still replaces its target whole
      assert.is_true(require("parley.files").write(dir .. "/fresh", "replaced"))
      assert.equal("replaced", support.read(dir .. "/fresh"))
   end)
end)
