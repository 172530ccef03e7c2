-- SPDX-License-Identifier: MIT
-- Writing a run (docs/reports.md). report.gather (report/model.lua) collects once what a
-- report shows; each format lays it out: a module parley.report.format.NAME, in
-- report/format/NAME.lua, with render(model, opts) and `records`, the records of the store
-- it shows (true: all of them; "exchanges": only those; nil: none), and `positions` (true: it
-- shows where the evidence records were written). The formats are the files
-- of that directory: adding a format is adding its file (and its line in the rockspec).

local config = require "parley.config"
local model = require "parley.report.model"

local report = {}

report.gather = model.gather

-- The names of the formats, sorted (config lists the same directory to check `report:`
-- entries, being a layer below reports).
function report.formats()
   return config.report_formats()
end

local function is_format(name)
   for _, f in ipairs(report.formats()) do
      if f == name then return true end
   end
   return false
end

-- The file name of a report in format, as `parley reconcile --format a,b --out DIR` writes it:
-- report.EXT, the extension the format's files have.
local EXTENSIONS = { markdown = "md", text = "txt" }
function report.file_name(format)
   return "report." .. (EXTENSIONS[format] or format)
end

-- Renders run in format: returns the text, or nil and a message.
function report.render(run, format, opts)
   if not is_format(format) then
      return nil, string.format("unknown report format '%s' (known: %s)", tostring(format),
         table.concat(report.formats(), ", "))
   end
   local writer = require("parley.report.format." .. format)
   opts = opts or {}
   if opts.root == nil and run.root ~= nil then
      -- the run's own root (parley.reconcile's opts.root) unless the caller gives one
      local with_root = { root = run.root }
      for k, v in pairs(opts) do with_root[k] = v end
      opts = with_root
   end
   local m, err = model.gather(run, { db = opts.db, data = writer.records or false, share = opts.share or run.share,
      positions = writer.positions })
   if not m then return nil, err end
   return writer.render(m, opts)
end

-- Writes run in format to path (or returns the text when path is nil). Returns true (or the
-- text), or nil and a message.
function report.write(run, format, path, opts)
   local text, err = report.render(run, format, opts)
   if not text then return nil, err end
   if not path then return text end
   local f, ferr = io.open(path, "wb")
   if not f then return nil, "cannot write report: " .. ferr end
   f:write(text)
   f:close()
   return true
end

-- run:report(format, path, opts): every run (from parley.reconcile or read back by history)
-- can write itself; the method is added here because reports sit a layer above runs.
require("parley.run").Run.report = report.write

return report
