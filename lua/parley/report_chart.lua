-- The timeline chart of the HTML report, as inline SVG: each party's claimed counts of one
-- subject over time (a range as a band, an exact count as a filled point, an approximate one
-- as a hollow dashed point marked "~", a claim dated to a month or an interval with a bar
-- across its days), and the exchanges of the period as dashed markers annotated with what
-- moved. Every string from the data is escaped; the chart has a <title>, a <desc> and
-- role="img" with an aria-label, and each mark a <title> of its own (unless the chart is
-- dense: more than report_format.DENSE claims).

local fmt = require "parley.report_format"

local chart = {}

chart.WIDTH, chart.PLOT_HEIGHT = 760, 200
local LEFT, RIGHT, BOTTOM = 64, 24, 40

-- Okabe-Ito: distinguishable with colour-blindness, and in greys when printed.
local PALETTE = { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442" }

-- The styles of a dense chart's marks (the HTML report's stylesheet includes them): band,
-- span and approximate span, exact and approximate point, coloured by party (k1, k2, ...).
chart.CSS = (function()
   local out = {}
   for i, c in ipairs(PALETTE) do out[#out + 1] = string.format(".timeline .k%d{--c:%s}", i, c) end
   out[#out + 1] = ".timeline .b{fill:var(--c);fill-opacity:.18;stroke:var(--c);stroke-opacity:.6}" ..
      ".timeline .s,.timeline .sa{stroke:var(--c);stroke-width:2;fill:none}.timeline .sa{stroke-dasharray:4 3}" ..
      ".timeline .e{fill:var(--c)}.timeline .a{fill:#fff;stroke:var(--c);stroke-width:2;stroke-dasharray:3 2}"
   return table.concat(out) .. "\n"
end)()

local ENTITIES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

local function esc(s)
   s = tostring(s)
   if not s:find("[&<>\"']") then return s end
   return (s:gsub("[&<>\"']", ENTITIES))
end
chart.escape = esc

-- A round step for about n ticks up to max.
local function nice_step(max, n)
   local raw = max / n
   local mag = 10 ^ math.floor(math.log(raw, 10))
   for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
      if raw <= m * mag then return m * mag end
   end
   return 10 * mag
end

local civil, day_number = require("parley.dates").civil, require("parley.dates").day_number

local function num(v)
   return string.format("%.1f", v)
end

-- The parties of a group of claims in a stable order, each with its colour.
function chart.party_colours(claims, party_order)
   local seen, rank = {}, {}
   for i, p in ipairs(party_order or {}) do rank[p] = i end
   local list = {}
   for _, c in ipairs(claims) do
      if c.count and not seen[c.claimant] then
         seen[c.claimant] = true
         list[#list + 1] = c.claimant
      end
   end
   table.sort(list, function(a, b) return (rank[a] or math.huge) < (rank[b] or math.huge) or
      ((rank[a] or math.huge) == (rank[b] or math.huge) and a < b) end)
   local colours = {}
   for i, p in ipairs(list) do colours[p] = PALETTE[(i - 1) % #PALETTE + 1] end
   return list, colours
end

-- The exchanges a chart of group g shows: those in its period with one of its parties.
function chart.exchanges_for(g, exchanges, first, last)
   local out = {}
   for _, x in ipairs(exchanges) do
      if x.first_day and x.first_day <= last and x.last_day >= first then
         local involved = not g.holder and not g.about
         for _, t in ipairs(x.transfers or {}) do
            for _, p in ipairs({ g.holder, g.about }) do
               if p and (t.from == p or t.to == p) then involved = true end
            end
         end
         if involved then out[#out + 1] = x end
      end
   end
   return out
end

-- The SVG of group g (from report.gather's data): returns the markup, or nil when the group
-- has no count to draw. n numbers the chart for unique ids; names maps party ids to names.
function chart.svg(g, data, n)
   local claims = {}
   for _, c in ipairs(g.claims) do
      if c.count and c.first_day then claims[#claims + 1] = c end
   end
   if #claims == 0 then return nil end
   local first, last, ymax = math.huge, -math.huge, 0
   for _, c in ipairs(claims) do
      first, last = math.min(first, c.first_day), math.max(last, c.last_day)
      local k = c.count
      ymax = math.max(ymax, k.exact or 0, k.best or 0, k.high or 0, k.low or 0)
   end
   local xs = chart.exchanges_for(g, data.exchanges, first - 31, last + 31)
   for _, x in ipairs(xs) do first, last = math.min(first, x.first_day), math.max(last, x.last_day) end
   local span = last - first
   local pad = math.max(3, math.ceil(span * 0.06))
   first, last = first - pad, last + pad + 1
   if ymax <= 0 then ymax = 1 end
   local step = nice_step(ymax * 1.1, 5)
   local ytop = math.ceil(ymax * 1.1 / step) * step
   local labels, label_top = {}, {}
   local TOP = 24
   for i, x in ipairs(xs) do
      local lines = { "exchange " .. x.date .. (x.place and (", " .. x.place) or "") }
      for _, t in ipairs(x.transfers or {}) do lines[#lines + 1] = fmt.transfer(t) end
      labels[i], label_top[i] = lines, TOP + 11
      TOP = TOP + 13 * #lines + 6
   end
   TOP = TOP + 6
   local W, H = chart.WIDTH, chart.PLOT_HEIGHT + TOP + BOTTOM
   local pw, ph = W - LEFT - RIGHT, chart.PLOT_HEIGHT
   local function X(day) return LEFT + (day - first) / (last - first) * pw end
   local function Y(v) return TOP + ph - v / ytop * ph end
   local function pname(id)
      local p = data.parties[id]
      return p and p.name or id
   end

   local parties, colours = chart.party_colours(claims, data.party_order)
   local index = {}
   for i, p in ipairs(parties) do index[p] = (i - 1) % #PALETTE + 1 end
   local title = "Claimed " .. fmt.subject_title(g) .. " over time"
   -- the text alternative: each claim when there are few; else each party's number of claims,
   -- period and range (the table beside the chart lists every claim)
   local desc = {}
   local dense = #claims > fmt.DENSE
   if not dense then
      for _, c in ipairs(claims) do
         desc[#desc + 1] = string.format("%s (%s) claims %s as of %s", pname(c.claimant), c.claimant,
            fmt.count(c.count), c.as_of)
      end
   else
      local by = {}
      for _, c in ipairs(claims) do
         local b = by[c.claimant] or { n = 0, lo = math.huge, hi = -math.huge, first = c.as_of, last = c.as_of }
         by[c.claimant] = b
         local k = c.count
         b.n = b.n + 1
         b.lo = math.min(b.lo, k.exact or k.low or k.best or b.lo)
         b.hi = math.max(b.hi, k.exact or k.high or k.best or b.hi)
         b.last = c.as_of
      end
      for _, p in ipairs(parties) do
         local b = by[p]
         desc[#desc + 1] = string.format("%s (%s): %d claims from %s to %s, between %s and %s", pname(p), p, b.n,
            b.first, b.last, fmt.thousands(b.lo), fmt.thousands(b.hi))
      end
   end
   for _, x in ipairs(xs) do
      desc[#desc + 1] = string.format("exchange %s on %s: %s", x.id, x.date, x.moved)
   end
   local desc_text = table.concat(desc, "; ") .. "."
   local tid, did = "chart-title-" .. n, "chart-desc-" .. n

   local o = {}
   local function add(...) for i = 1, select("#", ...) do o[#o + 1] = select(i, ...) end end
   add('<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="', W, '" height="', H,
      '" viewBox="0 0 ', W, " ", H, '" role="img" aria-labelledby="', tid, " ", did, '" aria-label="',
      esc(title), '">', '<title id="', tid, '">', esc(title), "</title>", '<desc id="', did, '">', esc(desc_text),
      "</desc>")
   -- axes and grid
   add('<g class="axis" font-size="11" fill="#333">')
   local v = 0
   while v <= ytop + step / 2 do
      local y = num(Y(v))
      add('<line x1="', LEFT, '" x2="', W - RIGHT, '" y1="', y, '" y2="', y, '" stroke="#ddd"/>',
         '<text x="', LEFT - 6, '" y="', y, '" text-anchor="end" dy="4">', esc(fmt.thousands(math.floor(v))),
         "</text>")
      v = v + step
   end
   -- month ticks (or a few day ticks for a short period)
   local ticks = {}
   local days = last - first
   local d = first
   if days <= 62 then
      local stride = math.max(1, days // 6)
      while d <= last - stride / 2 do
         ticks[#ticks + 1] = { d, civil(d) }
         d = d + stride
      end
   else
      local month_stride = math.max(1, math.ceil(days / 30 / 8))
      local y, m = civil(first):match("^(%d+)%-(%d+)")
      y, m = tonumber(y), tonumber(m)
      while true do
         m = m + 1
         if m > 12 then m, y = 1, y + 1 end
         local day = day_number(string.format("%04d-%02d-01", y, m))
         if day > last then break end
         if (m - 1) % month_stride == 0 then ticks[#ticks + 1] = { day, string.format("%04d-%02d", y, m) } end
      end
   end
   for _, t in ipairs(ticks) do
      local x = num(X(t[1]))
      add('<line x1="', x, '" x2="', x, '" y1="', TOP + ph, '" y2="', TOP + ph + 4, '" stroke="#333"/>',
         '<text x="', x, '" y="', TOP + ph + 16, '" text-anchor="middle">', esc(t[2]), "</text>")
   end
   add('<line x1="', LEFT, '" x2="', W - RIGHT, '" y1="', TOP + ph, '" y2="', TOP + ph, '" stroke="#333"/>',
      '<line x1="', LEFT, '" x2="', LEFT, '" y1="', TOP, '" y2="', TOP + ph, '" stroke="#333"/>', "</g>")
   -- exchanges, each with its date and what moved, a line per transfer, stacked above the plot
   for i, x in ipairs(xs) do
      local xm = X((x.first_day + x.last_day + 1) / 2)
      local anchor = xm < W * 0.35 and "start" or (xm > W * 0.65 and "end" or "middle")
      local dx = anchor == "start" and -4 or (anchor == "end" and 4 or 0)
      local lines = labels[i]
      local y0 = label_top[i]
      add('<g class="exchange"><title>', esc("Exchange " .. x.id .. " on " .. x.date .. ": " .. x.moved), "</title>",
         '<line x1="', num(xm), '" x2="', num(xm), '" y1="', y0 + 13 * (#lines - 1) + 5, '" y2="', TOP + ph,
         '" stroke="#555" stroke-width="1.5" stroke-dasharray="5 3"/>',
         '<path d="M', num(xm), " ", TOP - 2, ' l-5 -8 h10 z" fill="#555"/>',
         '<text x="', num(xm + dx), '" y="', y0, '" font-size="11" text-anchor="', anchor,
         '" fill="#222" paint-order="stroke" stroke="#fff" stroke-width="3">')
      for k, l in ipairs(lines) do
         add('<tspan x="', num(xm + dx), '" dy="', k == 1 and 0 or 13, '"', k == 1 and ' font-weight="bold"' or "",
            ">", esc(l), "</tspan>")
      end
      add("</text></g>")
   end
   -- claims; a dense chart draws them with the classes of chart.CSS, to stay small
   for _, c in ipairs(claims) do
      local k, col = c.count, colours[c.claimant]
      local x1, x2 = X(c.first_day), X(c.last_day + 1)
      local xm = (x1 + x2) / 2
      local low, high = k.low, k.high
      local value = k.exact or k.best
      if dense then
         local kc = " k" .. index[c.claimant]
         if not k.exact and (low or high) then
            low, high = low or 0, high or ytop
            add('<rect class="b', kc, '" x="', num(x1), '" y="', num(Y(high)), '" width="', num(math.max(2, x2 - x1)),
               '" height="', num(math.max(1, Y(low) - Y(high))), '"/>')
         end
         if value then
            local y = num(Y(value))
            if x2 - x1 > 3 then
               add('<path class="', k.approx and "sa" or "s", kc, '" d="M', num(x1), " ", y, "H", num(x2), '"/>')
            end
            add('<circle class="', k.approx and "a" or "e", kc, '" cx="', num(xm), '" cy="', y, '" r="',
               k.approx and 5 or 4, '"/>')
         end
      else
         add('<g class="claim"><title>', esc(string.format("%s: %s as of %s (claim %s, source %s)", pname(c.claimant),
            fmt.count(k), c.as_of, c.id, c.source)), "</title>")
         if not k.exact and (low or high) then
            low, high = low or 0, high or ytop
            add('<rect class="band" x="', num(x1), '" y="', num(Y(high)), '" width="', num(math.max(2, x2 - x1)),
               '" height="', num(math.max(1, Y(low) - Y(high))), '" fill="', col, '" fill-opacity="0.18" stroke="',
               col, '" stroke-opacity="0.6"', (k.high and "" or ' stroke-dasharray="2 2"'), "/>")
         end
         if value then
            local y = num(Y(value))
            if x2 - x1 > 3 then
               add('<line x1="', num(x1), '" x2="', num(x2), '" y1="', y, '" y2="', y, '" stroke="', col,
                  '" stroke-width="2"', k.approx and ' stroke-dasharray="4 3"' or "", "/>")
            end
            if k.approx then
               add('<circle class="approx" cx="', num(xm), '" cy="', y, '" r="6" fill="#fff" stroke="', col,
                  '" stroke-width="2" stroke-dasharray="3 2"/>', '<text x="', num(xm + 9), '" y="', y,
                  '" dy="-6" font-size="12" fill="', col, '">~', esc(fmt.thousands(value)), "</text>")
            else
               add('<circle class="exact" cx="', num(xm), '" cy="', y, '" r="5" fill="', col, '"/>',
                  '<text x="', num(xm + 9), '" y="', y, '" dy="-6" font-size="12" fill="', col, '">',
                  esc(fmt.thousands(value)), "</text>")
            end
         end
         add("</g>")
      end
   end
   -- legend
   add('<g class="legend" font-size="12">')
   local lx = LEFT
   for _, p in ipairs(parties) do
      local label = pname(p) == p and p or (pname(p) .. " (" .. p .. ")")
      if #label > 40 then label = label:sub(1, 38):gsub("[\128-\191]*$", ""):gsub("[\192-\255]$", "") .. "…" end
      add('<rect x="', lx, '" y="', H - 14, '" width="12" height="12" fill="', colours[p], '"/>',
         '<text x="', lx + 16, '" y="', H - 4, '">', esc(label), "</text>")
      lx = lx + 24 + math.min(40, utf8.len(label) or #label) * 7
   end
   add('<circle cx="', W - 190, '" cy="', H - 8, '" r="5" fill="#666"/><text x="', W - 182, '" y="', H - 4,
      '">exact</text><circle cx="', W - 130, '" cy="', H - 8, '" r="5" fill="#fff" stroke="#666" stroke-width="2" ',
      'stroke-dasharray="3 2"/><text x="', W - 122, '" y="', H - 4, '">~approx.</text><rect x="', W - 60,
      '" y="', H - 14, '" width="12" height="12" fill="#666" fill-opacity="0.25"/><text x="', W - 44, '" y="',
      H - 4, '">range</text>')
   add("</g></svg>")
   return table.concat(o), title, desc_text
end

return chart
