-- SPDX-License-Identifier: MIT
-- The timeline chart of the HTML report, as inline SVG: each party's claimed counts of one
-- subject over time, and the exchanges that moved that subject between its parties as
-- numbered markers, keyed in a table under the chart (chart.exchanges gives them). Marks: an
-- exact count a filled point, an approximate one the point in a dashed ring and "~", a part
-- of a total (a claim with part_of, or scoped to a strict subset of another claim of its
-- claimant on the same date) a hollow point, a range a light band (over a long period) or an
-- error bar, an open-ended count ("at least", "at most") an arrow from its bound with its
-- label at its head, a claim dated to a month or an interval a bar across its days. Value
-- labels are placed where they collide with no other text and no point or arrow, or dropped
-- (the value stays in the mark's title and the table). Tick labels are spaced by their
-- width, formatted by the span (days, months, years); the legend wraps and lists every
-- claimant drawn. Every string from the data is escaped; the chart has a <title>, a <desc>
-- (its text alternative) and role="img", and each mark a <title> of its own unless the chart
-- is dense (more than common.DENSE claims: then no titles and no labels, to stay small).

local dates = require "parley.dates"
local common = require "parley.report.common"

local chart = {}

-- The chart's width, its plot's height and side margins.
local WIDTH, PLOT_HEIGHT = 760, 220
local LEFT, RIGHT = 64, 24
-- The exchanges one chart draws at most (the nearest to its claims); the rest are counted
-- under the chart, and the table of exchanges lists them all.
chart.MAX_EXCHANGES = 30

-- Okabe-Ito: distinguishable with colour-blindness, and in greys when printed; then four
-- darker tones so that 12 claimants get 12 colours.
local PALETTE = { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A800",
   "#6A3D9A", "#8C510A", "#01665E", "#B2182B" }

-- The styles of the marks (the HTML report's stylesheet includes them), coloured by party
-- (k1, k2, ...): band (b), span and approximate span (s, sa), exact, approximate and part
-- point (e, a, p), approximate ring (r), arrow (w).
chart.CSS = (function()
   local out = {}
   for i, c in ipairs(PALETTE) do out[#out + 1] = string.format(".timeline .k%d{--c:%s}", i, c) end
   out[#out + 1] = ".timeline .b{fill:var(--c);fill-opacity:.12;stroke:var(--c);stroke-opacity:.55;" ..
      "stroke-dasharray:6 2}" ..
      ".timeline .s,.timeline .sa,.timeline .w{stroke:var(--c);stroke-width:2;fill:none}" ..
      ".timeline .sa{stroke-dasharray:4 3}.timeline .e{fill:var(--c)}" ..
      ".timeline .a{fill:var(--c)}.timeline .r{fill:none;stroke:var(--c);stroke-width:1.5;stroke-dasharray:3 2}" ..
      ".timeline .p{fill:#fff;stroke:var(--c);stroke-width:2}.timeline .t{fill:var(--c)}" ..
      ".timeline text{font-family:\"DejaVu Sans\",Verdana,sans-serif}"
   return table.concat(out) .. "\n"
end)()

local esc = common.html_escape

local function num(v)
   return string.format("%.1f", v)
end

-- A generous estimate of a text's width in the chart's font (DejaVu Sans, wide): used to
-- keep labels apart, so it errs wide.
local function text_width(s, size)
   local w = 0
   for _, cp in utf8.codes(s) do
      if cp == 32 or cp == 44 or cp == 46 or cp == 58 or cp == 40 or cp == 41 then w = w + 0.4
      elseif cp >= 65 and cp <= 90 then w = w + 0.76
      elseif cp < 128 then w = w + 0.64
      else w = w + 0.78 end
   end
   return w * size + 2
end
chart.text_width = text_width

-- A round step for about n ticks up to max.
local function nice_step(max, n)
   local raw = max / n
   local mag = 10 ^ math.floor(math.log(raw, 10))
   for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
      if raw <= m * mag then return m * mag end
   end
   return 10 * mag
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

---------------------------------------------------------------------------- the exchanges

-- What a transfer carries of each subject: the cargo a subject's counts are counts of (a
-- subject not here is never moved by an exchange: its chart shows none).
local CARGO = { detainees = "detainees", remains = "remains", mines = "mine_maps", mines_laid = "mine_maps",
   mine_maps = "mine_maps", mine_maps_exist = "mine_maps", mine_maps_complete = "mine_maps" }

-- Does transfer t move group g's subject between g's parties, and in g's region when it has
-- one? (Transfers of detainees and remains record no region, so they move no regional count.)
local function moves(g, t)
   local cargo = CARGO[g.subject]
   if not cargo or t[cargo] == nil then return false end
   if g.region then -- only maps record a region: a regional count of persons is moved by no exchange
      if cargo ~= "mine_maps" then return false end
      local here = false
      for _, m in ipairs(t.mine_maps) do
         for _, r in ipairs(m.regions or { m.region }) do here = here or r == g.region end
      end
      if not here then return false end
   end
   local a, b = g.holder, g.about
   if a and b then return (t.from == a and t.to == b) or (t.from == b and t.to == a) end
   if a or b then return t.from == (a or b) or t.to == (a or b) end
   return true
end

-- The transfers of exchange x that move g's subject between its parties.
function chart.moved(g, x)
   local out = {}
   for _, t in ipairs(x.transfers or {}) do
      if moves(g, t) then out[#out + 1] = t end
   end
   return out
end

-- The exchanges of a report by what they carry: by_cargo[cargo] and, for maps, by_region[region]
-- (each in the report's order), made once per list of exchanges: so that each of thousands of
-- charts looks only at the exchanges that can concern it.
local indexes = setmetatable({}, { __mode = "k" })
local function exchange_index(exchanges)
   local index = indexes[exchanges]
   if index then return index end
   index = { by_cargo = {}, by_region = {} }
   local function add(list, key, x)
      local l = list[key]
      if not l then
         l = {}
         list[key] = l
      end
      if l[#l] ~= x then l[#l + 1] = x end
   end
   for _, x in ipairs(exchanges) do
      for _, t in ipairs(x.transfers or {}) do
         for _, cargo in ipairs({ "detainees", "remains", "mine_maps" }) do
            if t[cargo] ~= nil then add(index.by_cargo, cargo, x) end
         end
         for _, m in ipairs(t.mine_maps or {}) do
            -- a map of several regions together is of each of them
            for _, r in ipairs(m.regions or { m.region }) do add(index.by_region, r, x) end
         end
      end
   end
   indexes[exchanges] = index
   return index
end

-- The exchanges group g's chart draws: those in [first, last] that moved its subject between
-- its parties, at most chart.MAX_EXCHANGES (the nearest to a claim's days), in date order;
-- and how many there were.
local function exchanges_for(g, exchanges, claims, first, last)
   local found = {}
   -- no exchange moves a subject that is no cargo, nor a regional count of persons
   local cargo = CARGO[g.subject]
   if not cargo or (g.region and cargo ~= "mine_maps") then return found, 0 end
   local index = exchange_index(exchanges)
   local candidates
   if g.region then candidates = index.by_region[g.region] else candidates = index.by_cargo[cargo] end
   for _, x in ipairs(candidates or {}) do
      if x.first_day and x.first_day <= last and x.last_day >= first and #chart.moved(g, x) > 0 then
         found[#found + 1] = x
      end
   end
   local total = #found
   if total > chart.MAX_EXCHANGES then
      local days = {}
      for i, c in ipairs(claims) do days[i] = c.first_day end
      table.sort(days)
      local function distance(x) -- to the nearest claim's first day, by bisection
         local lo, hi = 1, #days
         while lo < hi do
            local mid = (lo + hi) // 2
            if days[mid] < x.first_day then lo = mid + 1 else hi = mid end
         end
         local d = math.abs(days[lo] - x.first_day)
         if lo > 1 then d = math.min(d, math.abs(days[lo - 1] - x.first_day)) end
         return d
      end
      for _, x in ipairs(found) do x.chart_distance = distance(x) end
      table.sort(found, function(a, b)
         if a.chart_distance ~= b.chart_distance then return a.chart_distance < b.chart_distance end
         return a.first_day < b.first_day
      end)
      for i = #found, chart.MAX_EXCHANGES + 1, -1 do found[i] = nil end
      table.sort(found, function(a, b)
         return a.first_day < b.first_day or (a.first_day == b.first_day and a.id < b.id)
      end)
   end
   return found, total
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

-- Is claim c a part of a total: part_of names one, or its scope is a strict subset of the
-- scope of another claim of its claimant on the same date?
local function part_marks(claims)
   local by, widest = {}, {}
   for _, c in ipairs(claims) do
      local k = c.claimant .. "\0" .. tostring(c.as_of)
      by[k] = by[k] or {}
      table.insert(by[k], c)
      widest[k] = math.max(widest[k] or 0, c.scope and #c.scope or 0)
   end
   local part = {}
   for _, c in ipairs(claims) do
      if c.part_of then
         part[c] = true
      elseif c.scope and #c.scope > 0 and #c.scope < widest[c.claimant .. "\0" .. tostring(c.as_of)] then
         local mine = {}
         for _, t in ipairs(c.scope) do mine[t] = true end
         for _, d in ipairs(by[c.claimant .. "\0" .. tostring(c.as_of)]) do
            if d ~= c and d.scope and #d.scope > #c.scope then
               local theirs, all = {}, true
               for _, t in ipairs(d.scope) do theirs[t] = true end
               for t in pairs(mine) do all = all and theirs[t] == true end
               if all then part[c] = true end
            end
         end
      end
   end
   return part
end

-- The rows of numbered exchange markers above the plot: each exchange's x and row (markers
-- that would touch go a row up).
local MARKER_R, ROW = 8, 19
local function marker_rows(xs, X)
   local rows_end, place, nrows = {}, {}, 0
   for i, x in ipairs(xs) do
      local xm = X((x.first_day + x.last_day + 1) / 2)
      local half = text_width(tostring(i), 10) / 2 + 4
      half = math.max(half, MARKER_R)
      local r = 1
      while rows_end[r] and rows_end[r] > xm - half do r = r + 1 end
      rows_end[r] = xm + half + 2
      place[i] = { x = xm, row = r, half = half }
      nrows = math.max(nrows, r)
   end
   return place, nrows
end

-- The time ticks: formatted by the span (days, months or years), spaced so that no two
-- labels touch. {day, label}.
local MONTHS = { 1, 2, 3, 6, 12 }
local function time_ticks(first, last, px_per_day)
   local span = last - first
   local ticks = {}
   if span <= 92 then
      local w = text_width("2021-06-12", 11) + 12
      local stride = math.max(1, math.ceil(w / px_per_day))
      for d = first + 1, last - 1, stride do ticks[#ticks + 1] = { d, dates.civil(d) } end
      return ticks
   end
   local y0, m0 = dates.civil(first):match("^(%d+)%-(%d+)")
   y0, m0 = tonumber(y0), tonumber(m0)
   local years = span > 3 * 366
   local label_w = text_width(years and "2021" or "2021-06", 11) + 12
   local stride
   if years then
      for _, s in ipairs({ 1, 2, 5, 10, 20, 50 }) do
         stride = s
         if s * 365 * px_per_day >= label_w then break end
      end
   else
      for _, s in ipairs(MONTHS) do
         stride = s
         if s * 28 * px_per_day >= label_w then break end
      end
   end
   local y, m = y0, m0
   while true do
      m = m + 1
      if m > 12 then m, y = 1, y + 1 end
      local day = dates.day_number(y, m, 1)
      if day >= last then break end
      if years then
         if m == 1 and y % stride == 0 then ticks[#ticks + 1] = { day, string.format("%04d", y) } end
      elseif (m - 1) % stride == 0 then
         ticks[#ticks + 1] = { day, string.format("%04d-%02d", y, m) }
      end
   end
   return ticks
end

-- Items laid out in rows that wrap at the chart's width: each {width, ...} gets x and row.
local function wrap(items, x0, width)
   local x, row = x0, 1
   for _, it in ipairs(items) do
      if x > x0 and x + it.width > x0 + width then x, row = x0, row + 1 end
      it.x, it.row = x, row
      x = x + it.width + 14
   end
   return items[#items] and items[#items].row or 0
end

-- What the chart of claims spans and where it draws: the days (the claims' and the
-- exchanges', padded), the counts (up to a round step above the highest), the exchanges and
-- their markers' rows, the legend's rows, the size, and X(day) and Y(count).
local function frame(g, claims, data, parties)
   local first, last, ymax = math.huge, -math.huge, 0
   for _, c in ipairs(claims) do
      first, last = math.min(first, c.first_day), math.max(last, c.last_day)
      local k = c.count
      ymax = math.max(ymax, k.exact or 0, k.best or 0, k.high or 0, (k.low or 0) * (k.high and 1 or 1.3))
   end
   local xs, total = exchanges_for(g, data.exchanges, claims, first - 31, last + 31)
   for _, x in ipairs(xs) do first, last = math.min(first, x.first_day), math.max(last, x.last_day) end
   local pad = math.max(3, math.ceil((last - first) * 0.04))
   first, last = first - pad, last + pad + 1
   if ymax <= 0 then ymax = 1 end
   local step = nice_step(ymax * 1.1, 5)
   local f = { first = first, last = last, step = step, ytop = math.ceil(ymax * 1.1 / step) * step, xs = xs,
      exchanges_total = total }
   f.width, f.plot_width, f.plot_height = WIDTH, WIDTH - LEFT - RIGHT, PLOT_HEIGHT
   local pw, ph = f.plot_width, f.plot_height
   local function X(day) return LEFT + (day - first) / (last - first) * pw end
   f.X = X
   f.markers, f.marker_rows = marker_rows(xs, X)
   f.top = 12 + f.marker_rows * ROW + (f.marker_rows > 0 and 6 or 0)
   local top, ytop = f.top, f.ytop
   function f.Y(v) return top + ph - v / ytop * ph end
   f.bottom = f.top + ph -- the y of the time axis
   f.ticks = time_ticks(first, last, pw / (last - first))
   -- the legend: a row or more of claimants (the key to the marks is chart.key_svg, once a page)
   f.legend = {}
   for _, p in ipairs(parties) do
      local label = common.party_label(data, p, tostring)
      f.legend[#f.legend + 1] = { party = p, label = label, width = 16 + text_width(label, 12) }
   end
   local rows = wrap(f.legend, LEFT - 40, WIDTH - LEFT + 40 - 8)
   f.legend_top = f.bottom + 34
   f.height = f.legend_top + (rows - 1) * 18 + 10
   return f
end

-- The text alternative: each claim when there are few; else each party's number of claims,
-- period and range (the table beside the chart lists every claim); then each exchange.
local function description(g, claims, f, parties, data, dense, part)
   local desc = {}
   if not dense then
      for _, c in ipairs(claims) do
         desc[#desc + 1] = string.format("%s (%s) claims %s as of %s%s", common.party_name(data, c.claimant),
            c.claimant, common.count(c.count), c.as_of, part[c] and " (a part of a total)" or "")
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
   for i, x in ipairs(f.xs) do
      local moved = {}
      for k, t in ipairs(chart.moved(g, x)) do moved[k] = common.transfer(t) end
      desc[#desc + 1] = string.format("exchange %d (%s) on %s: %s", i, x.id, x.date, table.concat(moved, ", "))
   end
   if f.exchanges_total > #f.xs then
      desc[#desc + 1] = string.format("%d more exchanges not drawn", f.exchanges_total - #f.xs)
   end
   return table.concat(desc, "; ") .. "."
end

---------------------------------------------------------------------------- the marks

-- The count axis with its grid, the time axis with its ticks: each set of lines one path and
-- each set of labels one group, so that a page of thousands of charts stays small.
local function axes(add, f)
   local W = f.width
   local grid, ylabels, ticks, xlabels = {}, {}, {}, {}
   local v = 0
   while v <= f.ytop + f.step / 2 do
      local y = f.Y(v)
      grid[#grid + 1] = "M" .. LEFT .. " " .. num(y) .. "H" .. (W - RIGHT)
      ylabels[#ylabels + 1] = '<text x="' .. (LEFT - 6) .. '" y="' .. num(y + 4) .. '">' ..
         esc(common.thousands(math.floor(v))) .. "</text>"
      v = v + f.step
   end
   for _, t in ipairs(f.ticks) do
      local x = num(f.X(t[1]))
      ticks[#ticks + 1] = "M" .. x .. " " .. f.bottom .. "v4"
      xlabels[#xlabels + 1] = '<text x="' .. x .. '" y="' .. (f.bottom + 17) .. '">' .. esc(t[2]) .. "</text>"
   end
   add('<g class="axis" font-size="11" fill="#333"><path d="', table.concat(grid), '" stroke="#e4e4e4"/>',
      '<g text-anchor="end">', table.concat(ylabels), '</g><g text-anchor="middle">', table.concat(xlabels), "</g>",
      '<path d="', table.concat(ticks), "M", LEFT, " ", f.bottom, "H", W - RIGHT, "M", LEFT, " ", f.top, "V", f.bottom,
      '" stroke="#333" fill="none"/></g>')
end

-- The exchanges: a dashed line across the plot and a numbered marker above it (the key
-- table under the chart says what each moved).
local function exchange_markers(add, f, dense)
   for i, x in ipairs(f.xs) do
      local m = f.markers[i]
      local cy = f.top - 6 - (m.row - 1) * ROW - MARKER_R
      add('<g class="exchange">')
      if not dense then add("<title>", esc("Exchange " .. i .. ": " .. x.id .. " on " .. x.date), "</title>") end
      add('<line x1="', num(m.x), '" x2="', num(m.x), '" y1="', num(cy + MARKER_R), '" y2="', f.bottom,
         '" stroke="#777" stroke-width="1" stroke-dasharray="4 3"/>',
         '<rect x="', num(m.x - m.half), '" y="', num(cy - MARKER_R), '" width="', num(2 * m.half), '" height="',
         2 * MARKER_R, '" rx="', MARKER_R, '" fill="#444"/>',
         '<text x="', num(m.x), '" y="', num(cy + 3.5), '" font-size="10" text-anchor="middle" fill="#fff">', i,
         "</text></g>")
   end
end

-- Where a claim is drawn: across its days, its range (when both ends are known), its open
-- end (low only: "up"; high only: "down") and its value.
local function claim_place(f, c)
   local k = c.count
   local x1, x2 = f.X(c.first_day), f.X(c.last_day + 1)
   local low, high, open
   if not k.exact and k.low and k.high then low, high = k.low, k.high
   elseif not k.exact and not k.best and k.low then open = "up"
   elseif not k.exact and not k.best and k.high then open = "down" end
   return x1, x2, (x1 + x2) / 2, low, high, open, k.exact or k.best
end

-- Where a value label may go, in order of preference: right or left of its point, level with
-- it, above or below, then further out.
local PLACES = { { 9, -6, "start" }, { 9, 14, "start" }, { -9, -6, "end" }, { -9, 14, "end" },
   { 0, -11, "middle" }, { 0, 21, "middle" }, { 10, 4, "start" }, { -10, 4, "end" }, { 9, -20, "start" },
   { -9, -20, "end" }, { 9, 28, "start" }, { -9, 28, "end" }, { 0, -25, "middle" }, { 0, 35, "middle" } }

-- The boxes of the labels placed so far, and of the marks; a label goes where it fits inside
-- the plot and touches none, else it is dropped. Returns place(x, y, label, size) and
-- block(box), which keeps labels off a mark's box {x1, y1, x2, y2}.
local function placer(f)
   local boxes = {}
   local function free(b)
      if b[1] < LEFT + 1 or b[3] > f.width - RIGHT or b[2] < f.top or b[4] > f.bottom - 1 then return false end
      for _, o in ipairs(boxes) do
         if b[1] < o[3] and o[1] < b[3] and b[2] < o[4] and o[2] < b[4] then return false end
      end
      return true
   end
   -- the text at (x, y) with its anchor, or nil when no place is free
   return function(xm, y, label, size)
      local w, h = text_width(label, size), size + 3
      for _, p in ipairs(PLACES) do
         local x, base = xm + p[1], y + p[2]
         local x1 = p[3] == "start" and x or (p[3] == "end" and x - w or x - w / 2)
         local b = { x1, base - size * 0.85, x1 + w, base - size * 0.85 + h }
         if free(b) then
            boxes[#boxes + 1] = b
            return x, base, p[3]
         end
      end
      return nil
   end, function(b) boxes[#boxes + 1] = b end
end

-- Keeps the labels off every claim's point (with its ring) and open-ended arrow, wherever the
-- claims are drawn: a label placed first must not sit on a point drawn after it.
local function block_marks(f, claims, block)
   for _, c in ipairs(claims) do
      local _, _, xm, _, _, open, value = claim_place(f, c)
      if value then
         local y = f.Y(value)
         block({ xm - 8, y - 8, xm + 8, y + 8 })
      end
      if open then
         local yb = f.Y(open == "up" and c.count.low or c.count.high)
         local ye = open == "up" and math.max(f.top + 2, yb - 30) or math.min(f.bottom - 2, yb + 30)
         block({ xm - 6, math.min(yb, ye) - 1, xm + 6, math.max(yb, ye) + 1 })
      end
   end
end

-- A claim: its title (unless dense), its range as a band or a bar, its open end as an arrow,
-- its days as a bar, its value as a point (filled: a total; hollow: a part; ringed:
-- approximate), and a label where one fits (unless dense).
local function claim(add, f, c, cls, data, place, is_part, dense)
   local k = c.count
   local x1, x2, xm, low, high, open, value = claim_place(f, c)
   add('<g class="claim', cls, '">')
   if not dense then
      add("<title>", esc(string.format("%s: %s as of %s%s (claim %s, source %s)", common.party_name(data, c.claimant),
         common.count(k), c.as_of, is_part and ", a part of a total" or "", c.id,
         table.concat(common.sources_of(c), ", "))), "</title>")
   end
   local label, ly
   if low then
      local yh, yl = f.Y(high), f.Y(low)
      if x2 - x1 >= 12 then
         -- at least 4 px high, so that a narrow range still shows beside the points
         local h = math.max(4, yl - yh)
         add('<rect class="band b" x="', num(x1), '" y="', num((yl + yh) / 2 - h / 2), '" width="', num(x2 - x1),
            '" height="', num(h), '"/>')
      else
         add('<path class="range s" d="M', num(xm - 4), " ", num(yh), "H", num(xm + 4), "M", num(xm), " ", num(yh),
            "V", num(yl), "M", num(xm - 4), " ", num(yl), "H", num(xm + 4), '"/>')
      end
   end
   if open then
      local bound = open == "up" and k.low or k.high
      local yb = f.Y(bound)
      local ye = open == "up" and math.max(f.top + 2, yb - 30) or math.min(f.bottom - 2, yb + 30)
      local head = open == "up" and -1 or 1
      if x2 - x1 > 3 then add('<path class="s" d="M', num(x1), " ", num(yb), "H", num(x2), '"/>') end
      add('<path class="open w" d="M', num(xm - 6), " ", num(yb), "H", num(xm + 6), "M", num(xm), " ", num(yb), "V",
         num(ye), '"/><path class="t" d="M', num(xm - 5), " ", num(ye - head * 7), "L", num(xm), " ", num(ye), "L",
         num(xm + 5), " ", num(ye - head * 7), 'z"/>')
      -- labelled at its head, clear of the marks at the bound
      label, ly = (open == "up" and "≥ " or "≤ ") .. common.thousands(bound), ye
   end
   if value then
      local y = f.Y(value)
      if x2 - x1 > 3 then
         add('<path class="', k.approx and "sa" or "s", '" d="M', num(x1), " ", num(y), "H", num(x2), '"/>')
      end
      add('<circle class="', is_part and "p" or (k.approx and "approx a" or "exact e"), '" cx="', num(xm), '" cy="',
         num(y), '" r="', is_part and 4 or 5, '"/>')
      if k.approx then
         add('<circle class="r" cx="', num(xm), '" cy="', num(y), '" r="8"/>')
      end
      label, ly = (k.approx and "~" or "") .. common.thousands(value), y
   end
   if label and not dense then
      local x, base, anchor = place(xm, ly, label, 11)
      if x then
         add('<text class="t" x="', num(x), '" y="', num(base), '" font-size="11" text-anchor="', anchor, '">',
            esc(label), "</text>")
      end
   end
   add("</g>")
end

-- Each claimant's colour and full name, in rows that wrap.
local function legend(add, f, party_class)
   add('<g class="legend" font-size="12">')
   for _, it in ipairs(f.legend) do
      local y = f.legend_top + (it.row - 1) * 18
      add('<g class="', party_class[it.party]:sub(2), '"><rect class="e" x="', num(it.x), '" y="', y - 10,
         '" width="12" height="12"/><text x="', num(it.x + 16), '" y="', y, '" fill="#222">', esc(it.label),
         "</text></g>")
   end
   add("</g>")
end

-- The key to the marks of every chart, once for the page (a chart's legend names its
-- claimants only, so a page of thousands of charts does not repeat it): an SVG of its own.
local KEY = { "exact", "~approximate", "part of a total", "range", "at least / at most", "exchange (numbered)" }
function chart.key_svg()
   local items = {}
   for i, k in ipairs(KEY) do items[i] = { label = k, width = 18 + text_width(k, 11) } end
   local rows = wrap(items, 8, WIDTH - 16)
   local height = rows * 18 + 8
   local o = { '<svg xmlns="http://www.w3.org/2000/svg" class="timeline key" width="', WIDTH, '" height="', height,
      '" viewBox="0 0 ', WIDTH, " ", height, '" role="img" aria-label="Key to the marks of the charts">',
      "<title>Key to the marks of the charts</title>", '<g font-size="11" fill="#333">' }
   local function add(...) for i = 1, select("#", ...) do o[#o + 1] = select(i, ...) end end
   for i, it in ipairs(items) do
      local y = 16 + (it.row - 1) * 18
      local cx, cy = it.x + 6, y - 4
      local marks = {
         '<circle cx="' .. num(cx) .. '" cy="' .. num(cy) .. '" r="5" fill="#555"/>',
         '<circle cx="' .. num(cx) .. '" cy="' .. num(cy) .. '" r="4" fill="#555"/><circle cx="' .. num(cx) ..
            '" cy="' .. num(cy) .. '" r="7" fill="none" stroke="#555" stroke-dasharray="3 2"/>',
         '<circle cx="' .. num(cx) .. '" cy="' .. num(cy) .. '" r="4" fill="#fff" stroke="#555" stroke-width="2"/>',
         '<rect x="' .. num(it.x) .. '" y="' .. num(cy - 6) .. '" width="12" height="12" fill="#555" ' ..
            'fill-opacity=".15" stroke="#555" stroke-opacity=".5" stroke-dasharray="6 2"/>',
         '<path d="M' .. num(cx - 5) .. " " .. num(cy + 5) .. "H" .. num(cx + 5) .. "M" .. num(cx) .. " " ..
            num(cy + 5) .. "V" .. num(cy - 3) .. '" stroke="#555" stroke-width="2"/><path d="M' .. num(cx - 4) ..
            " " .. num(cy - 1) .. "L" .. num(cx) .. " " .. num(cy - 7) .. "L" .. num(cx + 4) .. " " .. num(cy - 1) ..
            'z" fill="#555"/>',
         '<rect x="' .. num(it.x) .. '" y="' .. num(cy - 6) .. '" width="12" height="12" rx="6" fill="#444"/>',
      }
      add(marks[i], '<text x="', num(it.x + 17), '" y="', y, '">', esc(it.label), "</text>")
   end
   add("</g></svg>")
   return table.concat(o)
end

---------------------------------------------------------------------------- the chart

-- The claims group g's chart draws, its parties and its frame: what chart.svg draws and the
-- HTML report keys under it (nil when the group has no count to draw).
function chart.layout(g, data)
   local claims = drawable(g)
   if #claims == 0 then return nil end
   local parties, colours = chart.party_colours(claims, data.party_order)
   return { claims = claims, parties = parties, colours = colours, frame = frame(g, claims, data, parties) }
end

-- The SVG of group g (from report.gather's data) laid out by chart.layout: returns the
-- markup. n numbers the chart for unique ids.
function chart.svg(g, data, n, lay)
   lay = lay or chart.layout(g, data)
   if not lay then return nil end
   local claims, parties, f = lay.claims, lay.parties, lay.frame
   local dense = #claims > common.DENSE
   local part = part_marks(claims)
   local title = "Claimed " .. common.subject_title(g) .. " over time"
   local desc = description(g, claims, f, parties, data, dense, part)
   local tid, did = "chart-title-" .. n, "chart-desc-" .. n

   local o, n_o = {}, 0
   local function add(...)
      local count = select("#", ...)
      table.move({ ... }, 1, count, n_o + 1, o)
      n_o = n_o + count
   end
   add('<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="', f.width, '" height="', f.height,
      '" viewBox="0 0 ', f.width, " ", f.height, '" role="img" aria-labelledby="', tid, " ", did, '" aria-label="',
      esc(title), '">', '<title id="', tid, '">', esc(title), "</title>", '<desc id="', did, '">', esc(desc),
      "</desc>")
   axes(add, f)
   exchange_markers(add, f, dense)
   local party_class = {}
   for i, p in ipairs(parties) do party_class[p] = " k" .. (i - 1) % #PALETTE + 1 end
   local place, block = placer(f)
   if not dense then block_marks(f, claims, block) end
   -- ranges first, so that no band hides a point; totals before parts
   local rank = {}
   for _, c in ipairs(claims) do
      rank[c] = (c.count.low and c.count.high and not c.count.exact) and 0 or (part[c] and 2 or 1)
   end
   table.sort(claims, function(a, b)
      local ra, rb = rank[a], rank[b]
      if ra ~= rb then return ra < rb end
      return a.first_day < b.first_day or (a.first_day == b.first_day and a.id < b.id)
   end)
   for _, c in ipairs(claims) do claim(add, f, c, party_class[c.claimant], data, place, part[c], dense) end
   legend(add, f, party_class)
   add("</svg>")
   return table.concat(o)
end

return chart
