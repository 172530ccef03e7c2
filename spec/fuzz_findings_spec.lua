-- SPDX-License-Identifier: MIT
-- What the libFuzzer harnesses (fuzz/*.c) found, each kept as a spec once fixed.
local core = require "parley.core"

describe("found by fuzz/yaml_dump.c", function()
   it("yaml.dump refuses UTF-8 past U+10FFFF, which libyaml writes as an escape its parser refuses", function()
      for _, s in ipairs({ "\245\151\151\151", "\244\144\128\128", "a\247\191\191\191" }) do
         local ok, err = pcall(core.yaml.dump, { s })
         assert.same({ false, "yaml.dump: cannot dump a string that is not valid UTF-8 (at [1])" }, { ok, err })
      end
      local text = core.yaml.dump({ "\244\143\191\191" })
      assert.same({ "\244\143\191\191" }, core.yaml.load(text))
   end)
end)
