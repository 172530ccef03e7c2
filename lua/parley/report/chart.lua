-- SPDX-License-Identifier: MIT
-- The timeline chart of the HTML report, as inline SVG: each party's claimed counts of one
-- subject over time (a range as a band, an exact count as a filled point, an approximate one
-- as a hollow dashed point marked "~", a claim dated to a month or an interval with a bar
-- across its days), and the exchanges of the period as dashed markers annotated with what
-- moved. Every string from the data is escaped; the chart has a <title>, a <desc> and
-- role="img" with an aria-label, and each mark a <title> of its own (unless the chart is
-- dense: more than common.DENSE claims).

local dates = require "parley.dates"
local common = require "parley.report.common"

local chart = {}

-- The chart's width and its plot's height; the margins of the plot (the exchanges' labels
-- are stacked above it).
local WIDTH, PLOT_HEIGHT = 760, 200
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

local esc = common.html_escape

-- A round step for about n ticks up to max.
local function nice_step(max, n)
   local raw = max / n
   local mag = 10 ^ math.floor(math.log(raw, 10))
   for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
      if raw <= m * mag then return m * mag end
   end
   return 10 * mag
end

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
local function exchanges_for(g, exchanges, first, last)
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

---------------------------------------------------------------------------- the frame

-- The claims of group g the chart draws: those with a count and a date.
local function drawable(g)
   local claims = {}
   for _, c in ipairs(g.claims) do
      if c.count and c.first_day then claims[#claims + 1] = c end
   end
   return claims
end

-- The exchange labels, a line for the exchange and one per transfer, stacked from the top:
-- each label's lines and the y of its first line, and the top of the plot below them.
local function stack_labels(xs)
   local labels, label_top = {}, {}
   local top = 24
   for i, x in ipairs(xs) do
      local lines = { "exchange " .. x.date .. (x.place and (", " .. x.place) or "") }
      for _, t in ipairs(x.transfers or {}) do lines[#lines + 1] = common.transfer(t) end
      labels[i], label_top[i] = lines, top + 11
      top = top + 13 * #lines + 6
   end
   return labels, label_top, top + 6
end

-- What the chart of claims spans and where it draws: the days (the claims' and the nearby
-- exchanges', padded), the counts (up to a round step above the highest), the exchanges and
-- their labels, the size, and X(day) and Y(count) in the SVG's coordinates.
local function frame(g, claims, data)
   local first, last, ymax = math.huge, -math.huge, 0
   for _, c in ipairs(claims) do
      first, last = math.min(first, c.first_day), math.max(last, c.last_day)
      local k = c.count
      ymax = math.max(ymax, k.exact or 0, k.best or 0, k.high or 0, k.low or 0)
   end
   local xs = exchanges_for(g, data.exchanges, first - 31, last + 31)
   for _, x in ipairs(xs) do first, last = math.min(first, x.first_day), math.max(last, x.last_day) end
   local pad = math.max(3, math.ceil((last - first) * 0.06))
   first, last = first - pad, last + pad + 1
   if ymax <= 0 then ymax = 1 end
   local step = nice_step(ymax * 1.1, 5)
   local f = { first = first, last = last, step = step, ytop = math.ceil(ymax * 1.1 / step) * step, xs = xs }
   f.labels, f.label_top, f.top = stack_labels(xs)
   f.width, f.height = WIDTH, PLOT_HEIGHT + f.top + BOTTOM
   f.plot_width, f.plot_height = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
   f.bottom = f.top + f.plot_height -- the y of the time axis
   local top, pw, ph, ytop = f.top, f.plot_width, f.plot_height, f.ytop
   function f.X(day) return LEFT + (day - first) / (last - first) * pw end
   function f.Y(v) return top + ph - v / ytop * ph end
   return f
end

-- The text alternative: each claim when there are few; else each party's number of claims,
-- period and range (the table beside the chart lists every claim); then each exchange.
local function description(claims, f, parties, data, dense)
   local desc = {}
   if not dense then
      for _, c in ipairs(claims) do
         desc[#desc + 1] = string.format("%s (%s) claims %s as of %s", common.party_name(data, c.claimant),
            c.claimant, common.count(c.count), c.as_of)
      end
   else
      local by = {}
      for _, b in ipairs(common.party_summary(claims)) do by[b.party] = b end
      for _, p in ipairs(parties) do
         local b = by[p]
         desc[#desc + 1] = string.format("%s (%s): %d claims from %s to %s, between %s and %s",
            common.party_name(data, p), p, b.n, b.first, b.last, common.thousands(b.lo), common.thousands(b.hi))
      end
   end
   for _, x in ipairs(f.xs) do
      desc[#desc + 1] = string.format("exchange %s on %s: %s", x.id, x.date, x.moved)
   end
   return table.concat(desc, "; ") .. "."
end

---------------------------------------------------------------------------- the marks

-- Month ticks (or a few day ticks for a short period): {day, label}.
local function time_ticks(first, last)
   local ticks = {}
   local days = last - first
   if days <= 62 then
      local stride = math.max(1, days // 6)
      local d = first
      while d <= last - stride / 2 do
         ticks[#ticks + 1] = { d, dates.civil(d) }
         d = d + stride
      end
      return ticks
   end
   local month_stride = math.max(1, math.ceil(days / 30 / 8))
   local y, m = dates.civil(first):match("^(%d+)%-(%d+)")
   y, m = tonumber(y), tonumber(m)
   while true do
      m = m + 1
      if m > 12 then m, y = 1, y + 1 end
      local day = dates.day_number(string.format("%04d-%02d-01", y, m))
      if day > last then break end
      if (m - 1) % month_stride == 0 then ticks[#ticks + 1] = { day, string.format("%04d-%02d", y, m) } end
   end
   return ticks
end

-- The count axis with its grid, the time axis with its ticks.
local function axes(add, f)
   local W = f.width
   add('<g class="axis" font-size="11" fill="#333">')
   local v = 0
   while v <= f.ytop + f.step / 2 do
      local y = num(f.Y(v))
      add('<line x1="', LEFT, '" x2="', W - RIGHT, '" y1="', y, '" y2="', y, '" stroke="#ddd"/>',
         '<text x="', LEFT - 6, '" y="', y, '" text-anchor="end" dy="4">', esc(common.thousands(math.floor(v))),
         "</text>")
      v = v + f.step
   end
   for _, t in ipairs(time_ticks(f.first, f.last)) do
      local x = num(f.X(t[1]))
      add('<line x1="', x, '" x2="', x, '" y1="', f.bottom, '" y2="', f.bottom + 4, '" stroke="#333"/>',
         '<text x="', x, '" y="', f.bottom + 16, '" text-anchor="middle">', esc(t[2]), "</text>")
   end
   add('<line x1="', LEFT, '" x2="', W - RIGHT, '" y1="', f.bottom, '" y2="', f.bottom, '" stroke="#333"/>',
      '<line x1="', LEFT, '" x2="', LEFT, '" y1="', f.top, '" y2="', f.bottom, '" stroke="#333"/>', "</g>")
end

-- The exchanges, each a dashed marker with its date and what moved, a line per transfer,
-- in its label stacked above the plot.
local function exchange_markers(add, f)
   local W = f.width
   for i, x in ipairs(f.xs) do
      local xm = f.X((x.first_day + x.last_day + 1) / 2)
      local anchor = xm < W * 0.35 and "start" or (xm > W * 0.65 and "end" or "middle")
      local dx = anchor == "start" and -4 or (anchor == "end" and 4 or 0)
      local lines = f.labels[i]
      local y0 = f.label_top[i]
      add('<g class="exchange"><title>', esc("Exchange " .. x.id .. " on " .. x.date .. ": " .. x.moved), "</title>",
         '<line x1="', num(xm), '" x2="', num(xm), '" y1="', y0 + 13 * (#lines - 1) + 5, '" y2="', f.bottom,
         '" stroke="#555" stroke-width="1.5" stroke-dasharray="5 3"/>',
         '<path d="M', num(xm), " ", f.top - 2, ' l-5 -8 h10 z" fill="#555"/>',
         '<text x="', num(xm + dx), '" y="', y0, '" font-size="11" text-anchor="', anchor,
         '" fill="#222" paint-order="stroke" stroke="#fff" stroke-width="3">')
      for k, l in ipairs(lines) do
         add('<tspan x="', num(xm + dx), '" dy="', k == 1 and 0 or 13, '"', k == 1 and ' font-weight="bold"' or "",
            ">", esc(l), "</tspan>")
      end
      add("</text></g>")
   end
end

-- Where a claim is drawn: across its days, its range (low and high, open ends to the axis
-- and the top) and its value.
local function claim_place(f, c)
   local k = c.count
   local x1, x2 = f.X(c.first_day), f.X(c.last_day + 1)
   local low, high
   if not k.exact and (k.low or k.high) then low, high = k.low or 0, k.high or f.ytop end
   return x1, x2, (x1 + x2) / 2, low, high, k.exact or k.best
end

-- A claim of a dense chart: with the classes of chart.CSS (party_class: " k1", ...), no
-- title, no label, to stay small.
local function dense_claim(add, f, c, party_class)
   local k = c.count
   local x1, x2, xm, low, high, value = claim_place(f, c)
   if low then
      add('<rect class="b', party_class, '" x="', num(x1), '" y="', num(f.Y(high)), '" width="',
         num(math.max(2, x2 - x1)), '" height="', num(math.max(1, f.Y(low) - f.Y(high))), '"/>')
   end
   if value then
      local y = num(f.Y(value))
      if x2 - x1 > 3 then
         add('<path class="', k.approx and "sa" or "s", party_class, '" d="M', num(x1), " ", y, "H", num(x2), '"/>')
      end
      add('<circle class="', k.approx and "a" or "e", party_class, '" cx="', num(xm), '" cy="', y, '" r="',
         k.approx and 5 or 4, '"/>')
   end
end

-- A claim with its own title (who claims what, as of when, from which source), its range as
-- a band, its days as a bar, and its value as a point labelled with the count.
local function claim(add, f, c, col, data)
   local k = c.count
   local x1, x2, xm, low, high, value = claim_place(f, c)
   add('<g class="claim"><title>', esc(string.format("%s: %s as of %s (claim %s, source %s)",
      common.party_name(data, c.claimant), common.count(k), c.as_of, c.id, c.source)), "</title>")
   if low then
      add('<rect class="band" x="', num(x1), '" y="', num(f.Y(high)), '" width="', num(math.max(2, x2 - x1)),
         '" height="', num(math.max(1, f.Y(low) - f.Y(high))), '" fill="', col, '" fill-opacity="0.18" stroke="',
         col, '" stroke-opacity="0.6"', (k.high and "" or ' stroke-dasharray="2 2"'), "/>")
   end
   if value then
      local y = num(f.Y(value))
      if x2 - x1 > 3 then
         add('<line x1="', num(x1), '" x2="', num(x2), '" y1="', y, '" y2="', y, '" stroke="', col,
            '" stroke-width="2"', k.approx and ' stroke-dasharray="4 3"' or "", "/>")
      end
      if k.approx then
         add('<circle class="approx" cx="', num(xm), '" cy="', y, '" r="6" fill="#fff" stroke="', col,
            '" stroke-width="2" stroke-dasharray="3 2"/>', '<text x="', num(xm + 9), '" y="', y,
            '" dy="-6" font-size="12" fill="', col, '">~', esc(common.thousands(value)), "</text>")
      else
         add('<circle class="exact" cx="', num(xm), '" cy="', y, '" r="5" fill="', col, '"/>',
            '<text x="', num(xm + 9), '" y="', y, '" dy="-6" font-size="12" fill="', col, '">',
            esc(common.thousands(value)), "</text>")
      end
   end
   add("</g>")
end

-- Each party's colour and label (cut at 40 characters), then the key to the marks.
local function legend(add, f, parties, colours, data)
   local W, H = f.width, f.height
   add('<g class="legend" font-size="12">')
   local lx = LEFT
   for _, p in ipairs(parties) do
      local label = common.party_label(data, p, tostring)
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
   add("</g>")
end

---------------------------------------------------------------------------- the chart

-- The SVG of group g (from report.gather's data): returns the markup, or nil when the group
-- has no count to draw. n numbers the chart for unique ids.
function chart.svg(g, data, n)
   local claims = drawable(g)
   if #claims == 0 then return nil end
   local f = frame(g, claims, data)
   local parties, colours = chart.party_colours(claims, data.party_order)
   local dense = #claims > common.DENSE
   local title = "Claimed " .. common.subject_title(g) .. " over time"
   local desc = description(claims, f, parties, data, dense)
   local tid, did = "chart-title-" .. n, "chart-desc-" .. n

   local o = {}
   local function add(...) for i = 1, select("#", ...) do o[#o + 1] = select(i, ...) end end
   add('<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="', f.width, '" height="', f.height,
      '" viewBox="0 0 ', f.width, " ", f.height, '" role="img" aria-labelledby="', tid, " ", did, '" aria-label="',
      esc(title), '">', '<title id="', tid, '">', esc(title), "</title>", '<desc id="', did, '">', esc(desc),
      "</desc>")
   axes(add, f)
   exchange_markers(add, f)
   local party_class = {}
   for i, p in ipairs(parties) do party_class[p] = " k" .. (i - 1) % #PALETTE + 1 end
   for _, c in ipairs(claims) do
      if dense then
         dense_claim(add, f, c, party_class[c.claimant])
      else
         claim(add, f, c, colours[c.claimant], data)
      end
   end
   legend(add, f, parties, colours, data)
   add("</svg>")
   return table.concat(o)
end

return chart
