-- SPDX-License-Identifier: MIT
-- The HTML report in a real browser: headless Chromium (Debian's `chromium`) renders the
-- example's report to a PNG and dumps its DOM, so the charts, the evidence and the escaping
-- are checked as a reader's browser sees them; and a real-data-shaped report (spec/
-- report_fixture.lua) is loaded in a frame of a harness page whose script measures it through
-- the DOM: no two text boxes of a chart overlap, no value label sits on a point, every
-- open-ended count is labelled, every claimant of a chart is in its legend,
-- no horizontal scroll at 1280 px, the filters hide and show findings, and the script planted
-- in the data did not run. The screenshot of that report is saved to $PARLEY_SCREENSHOT when
-- set (docs/report.png, which the README shows). Pending, with the reason, where no Chromium
-- can be found.
local parley = require "parley"
local json = require "parley.json"
local support = require "support"
local report_fixture = require "report_fixture"

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
   -- the example's two counts share soldiers only: compared when scopes overlap
   local run = assert(parley.reconcile({ data = { "dataset.yaml" },
      rules = { { use = "count_gap", with = { scopes = "overlap" } } } },
      { base = dir }))
   local path = dir .. "/report.html"
   assert(run:report("html", path))
   return path, run
end


-- The harness: the report in a 1280 px frame (same origin: --allow-file-access-from-files),
-- measured once it has loaded; the results, as base64 JSON, in the harness's <pre>.
local HARNESS = [==[<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="r" src="report.html" style="width:1280px;height:1000px;border:0"></iframe><pre id="out">pending</pre>
<script>
window.addEventListener("load", function () {
  var out = document.getElementById("out"), res = {};
  try {
    var w = document.getElementById("r").contentWindow, d = w.document;
    Array.prototype.forEach.call(d.querySelectorAll(".subject,.finding,.lazy"), function (e) {
      e.style.contentVisibility = "visible"; });
    res.title = d.title;
    res.scripts = d.querySelectorAll("script").length;
    res.scrollWidth = d.documentElement.scrollWidth;
    res.clientWidth = d.documentElement.clientWidth;
    res.charts = [];
    res.keys = d.querySelectorAll("svg.timeline.key").length;
    Array.prototype.forEach.call(d.querySelectorAll("svg.timeline:not(.key)"), function (svg) {
      var texts = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
        var b = t.getBoundingClientRect();
        return { text: t.textContent, l: b.left, r: b.right, t: b.top, b: b.bottom };
      });
      var overlaps = [];
      for (var i = 0; i < texts.length; i++) for (var j = i + 1; j < texts.length; j++) {
        var a = texts[i], c = texts[j];
        if (a.l < c.r - 0.5 && c.l < a.r - 0.5 && a.t < c.b - 0.5 && c.t < a.b - 0.5)
          overlaps.push(a.text + " / " + c.text);
      }
      // value labels that sit on a point (its ring included) of any claim
      var points = Array.prototype.map.call(svg.querySelectorAll("g.claim circle"), function (e) {
        return e.getBoundingClientRect(); });
      var on_points = [];
      Array.prototype.forEach.call(svg.querySelectorAll("g.claim text"), function (t) {
        var b = t.getBoundingClientRect();
        points.forEach(function (p) {
          if (b.left < p.right - 0.5 && p.left < b.right - 0.5 && b.top < p.bottom - 0.5 && p.top < b.bottom - 0.5)
            on_points.push(t.textContent); });
      });
      var drawn = {}, legend = {};
      Array.prototype.forEach.call(svg.querySelectorAll("g.claim"), function (g) {
        drawn[g.getAttribute("class").split(" ")[1]] = true; });
      Array.prototype.forEach.call(svg.querySelectorAll("g.legend > g"), function (g) {
        legend[g.getAttribute("class")] = g.textContent; });
      var missing = Object.keys(drawn).filter(function (k) { return !legend[k]; });
      var sr = svg.getBoundingClientRect();
      var outside = texts.filter(function (t) {
        return t.l < sr.left - 0.5 || t.r > sr.right + 0.5 || t.t < sr.top - 0.5 || t.b > sr.bottom + 0.5; })
        .map(function (t) { return t.text; });
      res.charts.push({ texts: texts.length, overlaps: overlaps, legend: Object.keys(legend).map(function (k) {
        return legend[k]; }), missing: missing, outside: outside, on_points: on_points,
        labels: Array.prototype.map.call(svg.querySelectorAll("g.claim text"), function (t) {
          return t.textContent; }) });
    });
    var form = d.getElementById("filters");
    res.form_hidden = form.hidden;
    function visible() {
      return Array.prototype.filter.call(d.querySelectorAll("#findings tr[data-sev]"), function (r) {
        return !r.hidden && r.getBoundingClientRect().height > 0; }).length; }
    function choose(key, value) {
      var e = form.querySelector('[data-f="' + key + '"]'); e.value = value;
      e.dispatchEvent(new w.Event(key === "q" ? "input" : "change", { bubbles: true })); }
    res.all = visible();
    choose("sev", "low"); res.low = visible(); res.count = d.getElementById("filter-count").textContent;
    choose("sev", ""); choose("rule", "count_gap"); res.count_gap = visible();
    choose("party", "@PARTY@"); res.count_gap_party = visible();
    choose("rule", ""); choose("party", ""); choose("q", "omb-soldiers"); res.search = visible();
    res.articles_shown = Array.prototype.filter.call(d.querySelectorAll("#findings article"), function (a) {
      return !a.hidden; }).length;
    choose("q", ""); res.reset = visible();
  } catch (e) { res.error = String(e && e.stack || e); }
  out.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(res))));
});
</script></body></html>
]==]

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64_decode(s)
   s = s:gsub("[^%w+/]", "")
   local out = {}
   for i = 1, #s, 4 do
      local n, k = 0, 0
      for j = i, math.min(i + 3, #s) do
         n = n * 64 + (B64:find(s:sub(j, j), 1, true) - 1)
         k = k + 1
      end
      n = n << (6 * (4 - k))
      local bytes = string.char((n >> 16) & 255, (n >> 8) & 255, n & 255)
      out[#out + 1] = bytes:sub(1, k - 1)
   end
   return table.concat(out)
end

-- The real-data-shaped report, with the rules that report on it, in a directory of its own.
local function real_shaped_report()
   local dir = support.tmpname("real-shaped")
   os.execute("mkdir -p " .. support.quote(dir))
   support.write(dir .. "/dataset.json", json.encode(report_fixture.real_shaped()))
   local run = assert(parley.reconcile({ data = { "dataset.json" }, rules = { { use = "count_gap" },
      { use = "stale_claim" }, { use = "corroboration" }, { use = "scope_mismatch" } } }, { base = dir }))
   assert(run:report("html", dir .. "/report.html"))
   return dir, run
end

-- Loads the report of dir in the harness; returns what the harness measured.
local function measure(dir, party)
   support.write(dir .. "/harness.html", (HARNESS:gsub("@PARTY@", party)))
   local out = support.tmpname("harness-dom.html")
   local profile = support.tmpname("chromium-profile")
   local ok = os.execute(string.format("%s %s %s --allow-file-access-from-files --virtual-time-budget=20000 " ..
      "--window-size=1400,1100 --user-data-dir=%s --dump-dom %s >%s 2>/dev/null", ENV, support.quote(CHROMIUM), FLAGS,
      support.quote(profile), support.quote("file://" .. dir .. "/harness.html"), support.quote(out)))
   assert(ok, "chromium --dump-dom of the harness failed")
   local encoded = support.read(out):match('<pre id="out">(.-)</pre>')
   assert(encoded and encoded ~= "pending", "the harness did not report")
   return json.decode(base64_decode(encoded))
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
      for svg in dom:gmatch('<svg[^>]*class="timeline"[^>]*>') do -- the charts (not the page's key)
         svgs = svgs + 1
         local w, h = svg:match('width="(%d+)"'), svg:match('height="(%d+)"')
         assert.is_true(tonumber(w) >= 600, svg)
         assert.is_true(tonumber(h) >= 200, svg)
         assert.matches('role="img"', svg, 1, true)
      end
      -- detainees (ARM ~200, AZE ~60) and detainees returned (15): two subjects with counts
      assert.equal(2, svgs)
      assert.matches("<title id=\"chart%-title%-1\">Claimed detainees held by AZE, about ARM over time</title>", dom)
      -- the exchange numbered on the chart, and keyed under it with what moved of the subject
      assert.matches("exchange 1 (2021-06-12-agdam) on 2021-06-12: AZE → ARM: 15 detainees.</desc>", dom, 1, true)
      assert.matches('<td class="n">1</td><td>2021-06-12</td><td>Azerbaijani-Georgian border</td>' ..
         "<td>AZE → ARM: 15 detainees</td>", dom, 1, true)
      for _, f in ipairs(run.findings) do assert.matches(f.fingerprint, dom, 1, true) end
      assert.matches("<blockquote>Armenia claims that about 200 Armenian soldiers", dom, 1, true)
      assert.matches("<strong>B2</strong> usually reliable, probably true", dom, 1, true)
      assert.matches("Georgia (GEO)<br>United States (USA)", dom, 1, true)
   end)

   it("keeps a real-data-shaped report readable: no overlaps, every claimant, no sideways scroll, filters", function()
      local dir, run = real_shaped_report()
      -- the count_gap findings of one party (in the evidence, or claimant of a claim in it)
      local claimant = {}
      for _, c in ipairs(report_fixture.real_shaped().claims) do claimant[c.id] = c.claimant end
      local function involves(f, p)
         for _, q in ipairs(f.evidence.parties or {}) do if q == p then return true end end
         for _, id in ipairs(f.evidence.claims or {}) do if claimant[id] == p then return true end end
         return false
      end
      local party, of_party
      for _, p in ipairs({ "ARM", "AZE", "ICRC", "OMB", "CPJ", "EP", "HRW", "HCA" }) do
         local n, all = 0, 0
         for _, f in ipairs(run.findings) do
            if f.rule == "count_gap" then
               all = all + 1
               if involves(f, p) then n = n + 1 end
            end
         end
         if not party and n > 0 and n < all then party, of_party = p, n end
      end
      assert.is_string(party, "no party is in some count_gap findings but not all")
      local m = measure(dir, party)
      if os.getenv("HARNESS_DEBUG") then print(json.encode(m)) end
      assert.is_nil(m.error, m.error)
      -- the planted script did not run; the one script is the report's own
      assert.equal(("parley report: config, run %s"):format(run.id), m.title)
      assert.equal(1, m.scripts)
      -- no horizontal scroll in a 1280 px window
      assert.equal(m.clientWidth, m.scrollWidth)
      assert.is_true(m.clientWidth <= 1280)
      -- the chart: sixteen counts by eight claimants, ten exchanges that moved detainees
      assert.equal(1, #m.charts)
      assert.equal(1, m.keys)
      local c = m.charts[1]
      assert.is_true(c.texts > 30, "only " .. c.texts .. " texts")
      assert.same({}, c.overlaps)
      assert.same({}, c.on_points)
      assert.same({}, c.missing)
      assert.same({}, c.outside)
      assert.equal(8, #c.legend)
      local legend = table.concat(c.legend, "\n")
      assert.matches("Yerevan-based human rights activists (Helsinki Citizens' Assembly Vanadzor) (HCA)", legend, 1,
         true)
      -- every open-ended count is labelled (at its arrow's head), and a total and its parts each
      -- have a value
      local labels = table.concat(c.labels, " ")
      for _, l in ipairs({ "≥ 80", "≥ 200", "≥ 101", "4,354", "3,503", "841" }) do
         assert.matches(l, labels, 1, true)
      end
      -- the filters: shown, and hiding and showing findings
      local by_sev, by_rule = {}, {}
      for _, f in ipairs(run.findings) do
         by_sev[f.severity] = (by_sev[f.severity] or 0) + 1
         by_rule[f.rule] = (by_rule[f.rule] or 0) + 1
      end
      assert.is_false(m.form_hidden)
      assert.equal(#run.findings, m.all)
      assert.equal(by_sev.low or 0, m.low)
      assert.equal(string.format("%d of %d findings shown", by_sev.low or 0, #run.findings), m.count)
      assert.equal(by_rule.count_gap, m.count_gap)
      assert.equal(of_party, m.count_gap_party)
      assert.is_true(m.search >= 1 and m.search < #run.findings)
      assert.equal(m.search, m.articles_shown)
      assert.equal(#run.findings, m.reset)
      -- the screenshot the README shows
      local png = os.getenv("PARLEY_SCREENSHOT") or support.tmpname("real-shaped.png")
      local code, out = chromium("--screenshot=" .. support.quote(png) .. " --window-size=1280,1500",
         dir .. "/report.html")
      assert.equal(0, code, out)
      local width, height = png_size(png)
      assert.equal(1280, width)
      assert.equal(1500, height)
   end)

   it("shows markup from the data as text: no planted script or image ran or exists", function()
      local path, run = hostile_report()
      local dom = dump_dom(path)
      local title = ("parley report: config, run %s"):format(run.id)
      assert.equal(title, dom:match("<title>(.-)</title>"))
      local _, scripts = dom:lower():gsub("<script", "")
      assert.equal(1, scripts) -- the report's own filters
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
