-- SPDX-License-Identifier: MIT
-- parley.rules, the list of the built-in rules, against the rule files it stands for.
local core = require "parley.core"

local rules = require "parley.rules"
local dir = assert(package.searchpath("parley.rules", package.path)):match("^(.*)/[^/]*$")

describe("parley.rules", function()
   it("names every rule file in lua/parley/rules, and nothing else, in sorted order", function()
      local files = {}
      for _, e in ipairs(assert(core.list_dir(dir))) do
         local name = e.kind == "file" and e.name:match("^(.+)%.lua$")
         if name and name ~= "init" then files[#files + 1] = name end
      end
      table.sort(files)
      assert.same(files, rules)
   end)

   it("names rules whose id is their name", function()
      for _, name in ipairs(rules) do
         assert.equal(name, require("parley.rules." .. name).id)
      end
   end)

   it("have a doc, docs/rules/NAME.md, whose header gives the rule's version", function()
      local support = require "spec.support"
      for _, name in ipairs(rules) do
         local doc = support.read(support.top .. "/docs/rules/" .. name .. ".md")
         local header = doc:match("`use: " .. name .. "` · version ([%d%.]+)")
         assert.equal(require("parley.rules." .. name).version, header, "docs/rules/" .. name .. ".md")
      end
   end)
end)
