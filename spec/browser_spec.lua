-- SPDX-License-Identifier: MIT
-- The HTML report in a real browser: headless Chromium (Debian's `chromium`) renders the
-- example's report to a PNG and dumps its DOM, so the charts, the evidence and the escaping
-- are checked as a reader's browser sees them. Pending, with the reason, where no Chromium
-- can be found.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"

local function find_chromium()
   for _, name in ipairs({ "chromium", "chromium-browser", "google-chrome" }) do
      local code, out = support.sh("command -v " .. name)
      if code == 0 then return (out:match("^(%S+)")) end
   end
   return nil
end

local CHROMIUM = find_chromium()

local ENV = "env -u LD_PRELOAD -u ASAN_OPTIONS -u UBSAN_OPTIONS timeout 120"
local FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking " ..
   "--disable-component-update --disable-sync --hide-scrollbars"

-- Runs Chromium on a file with a fresh profile; returns its exit code and output. (Without
-- the sanitizer run's LD_PRELOAD: that is for parley, not for the browser.)
local function chromium(args, file)
   local profile = support.tmpname("chromium-profile")
   return support.sh(string.format("%s %s %s --user-data-dir=%s %s %s", ENV, support.quote(CHROMIUM), FLAGS,
      support.quote(profile), args, support.quote("file://" .. file)))
end

-- The DOM Chromium ends up with, as it serialises it.
local function dump_dom(file)
   local out = support.tmpname("dom.html")
   local profile = support.tmpname("chromium-profile")
   local code = os.execute(string.format("%s %s %s --user-data-dir=%s --dump-dom %s >%s 2>/dev/null", ENV,
      support.quote(CHROMIUM), FLAGS, support.quote(profile), support.quote("file://" .. file), support.quote(out)))
   assert(code, "chromium --dump-dom failed")
   return support.read(out)
end

local function png_size(path)
   local s = support.read(path)
   assert.equal("\137PNG\r\n\26\n", s:sub(1, 8))
   local width, height = string.unpack(">I4I4", s, 17)
   return width, height, #s
end

local function example_report()
   local run = assert(parley.reconcile(support.top .. "/examples/caucasus-2021/reconcile.yaml"))
   local path = support.tmpname("example.html")
   assert(run:report("html", path))
   return path, run
end

-- The example with markup planted in a party's name, a source's title and a claim's quote.
local SCRIPT = "<script>document.title='pwned'</script>"
local IMG = "<img src=x onerror=\"document.title='pwned'\">"
local function hostile_report()
   local dir = support.tmpname("hostile")
   os.execute("mkdir -p " .. support.quote(dir))
   local yaml = require "parley.yaml"
   local data = assert(yaml.load_file(support.top .. "/examples/caucasus-2021/dataset.yaml"))
   data.parties[1].name = "Armenia " .. SCRIPT
   data.sources[1].title = data.sources[1].title .. " " .. IMG
   data.claims[2].text = data.claims[2].text .. " " .. SCRIPT .. IMG
   support.write(dir .. "/dataset.yaml", json.encode(data))
   local run = assert(parley.reconcile({ data = { "dataset.yaml" }, rules = { { use = "count_gap" } } },
      { base = dir }))
   local path = dir .. "/report.html"
   assert(run:report("html", path))
   return path, run
end

describe("#browser the HTML report in Chromium", function()
   if not CHROMIUM then
      pending("no Chromium found (chromium, chromium-browser or google-chrome): apt-get install -y chromium")
      return
   end

   it("renders the example's charts at their size, with the evidence", function()
      local path, run = example_report()
      local png = support.tmpname("report.png")
      local code, out = chromium("--screenshot=" .. support.quote(png) .. " --window-size=1200,2400", path)
      assert.equal(0, code, out)
      local width, height, bytes = png_size(png)
      assert.equal(1200, width)
      assert.equal(2400, height)
      assert.is_true(bytes > 50000, "the screenshot is only " .. bytes .. " bytes")
      local dom = dump_dom(path)
      local svgs = 0
      for svg in dom:gmatch("<svg[^>]*>") do
         svgs = svgs + 1
         local w, h = svg:match('width="(%d+)"'), svg:match('height="(%d+)"')
         assert.is_true(tonumber(w) >= 600, svg)
         assert.is_true(tonumber(h) >= 200, svg)
         assert.matches('role="img"', svg, 1, true)
      end
      -- detainees (ARM ~200, AZE ~60) and detainees returned (15): two subjects with counts
      assert.equal(2, svgs)
      assert.matches("<title id=\"chart%-title%-1\">Claimed detainees held by AZE, about ARM over time</title>", dom)
      assert.matches("exchange 2021%-06%-12, Azerbaijani%-Georgian border", dom)
      for _, f in ipairs(run.findings) do assert.matches(f.fingerprint, dom, 1, true) end
      assert.matches("<blockquote>Armenia claims that about 200 Armenian soldiers", dom, 1, true)
      assert.matches("<strong>B2</strong> usually reliable, probably true", dom, 1, true)
      assert.matches("Georgia (GEO), United States (USA)", dom, 1, true)
   end)

   it("shows markup from the data as text: no planted script or image ran or exists", function()
      local path, run = hostile_report()
      local dom = dump_dom(path)
      local title = ("parley report: config, run %s"):format(run.id)
      assert.equal(title, dom:match("<title>(.-)</title>"))
      assert.is_nil(dom:lower():find("<script", 1, true))
      assert.is_nil(dom:lower():find("<img", 1, true))
      assert.is_nil(dom:find("pwned</title>", 1, true))
      assert.matches("Armenia &lt;script&gt;document.title='pwned'&lt;/script&gt;", dom, 1, true)
      assert.matches("&lt;img src=x onerror=\"document.title='pwned'\"&gt;", dom, 1, true)
      local png = support.tmpname("hostile.png")
      local code, out = chromium("--screenshot=" .. support.quote(png) .. " --window-size=1200,1600", path)
      assert.equal(0, code, out)
      local _, _, bytes = png_size(png)
      assert.is_true(bytes > 20000)
   end)
end)
