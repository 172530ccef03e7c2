-- SPDX-License-Identifier: MIT

--- Helpers the built-in rules share, and rules of your own may use (require "parley.rulekit"):
-- the ids later records supersede, groups of records, counts as readers say them
-- and as ranges, series in date order, and lists of ids for messages and evidence. Pure Lua
-- over parley.dates, so a sandboxed rule may require it. Dates are not parsed here: every
-- record the typed iterators (ctx.db:claims() and the like) return has X_period for each date
-- field X (the table dates.parse gives), which dates.before and dates.overlap take as it is.
--
-- Like with like: every built-in rule reads a claim's subject, kind and scope through
-- kit.canonical (the record's `canonical`, or the default vocabulary of parley.terms when a
-- reader hands none), groups through kit.count_key and kit.series_key, and finds a total's
-- breakdowns through kit.breakdowns (`part_of`, or the subset reading), so that no two rules
-- read scope differently. docs/rules/*.md say how each rule uses them.
-- @module parley.rulekit
local dates = require "parley.dates"
local json = require "parley.json"
local terms = require "parley.terms"

local kit = {}

--- The ids that a later record of table tbl supersedes, read in one pass. This is how every
-- built-in rule leaves out superseded records (`if not gone[c.id]`), with the records API and
-- with plain SQL alike: one pass over the supersedes column and a hash lookup per record is
-- linear in the records, where the iterators' `current = true` filter is a correlated
-- subquery per record, quadratic on a store without an index on supersedes.
-- @tparam Database db the store (ctx.db)
-- @tparam string tbl a table with a supersedes column: "claims", "lists", "exchanges"
-- @treturn table the set {[id] = true}
-- @raise SQLite's message (an unknown table)
function kit.superseded(db, tbl)
   local set = {}
   for r in db:query("SELECT supersedes FROM " .. tbl .. " WHERE supersedes IS NOT NULL") do
      set[r.supersedes] = true
   end
   return set
end

--- Items joined for a message, at most `max` of them: "a, b, c and 12 more".
-- @tparam table items a list of strings
-- @tparam[opt] string sep the separator (default ", ")
-- @tparam[opt=10] integer max
-- @treturn string
function kit.listing(items, sep, max)
   max = max or 10
   if #items <= max then return table.concat(items, sep or ", ") end
   return table.concat(items, sep or ", ", 1, max) .. string.format(" and %d more", #items - max)
end

--- The central value of a count: exact, best, the middle of low..high, or the bound given.
-- @tparam table count a claim's count
-- @treturn number
function kit.best(count)
   if count.exact then return count.exact end
   if count.best then return count.best end
   if count.low and count.high then return (count.low + count.high) / 2 end
   return count.low or count.high or 0
end

--- A count as a reader says it: "15", "~200", "38-120", "at least 100" (parley.count_text).
-- @tparam table count a claim's count
-- @treturn string
function kit.say(count)
   if count.exact then return tostring(count.exact) end
   local s
   if count.low and count.high then
      s = string.format("%d-%d", count.low, count.high)
   elseif count.best then
      s = tostring(count.best)
   elseif count.low then
      s = "at least " .. count.low
   else
      s = "at most " .. tostring(count.high)
   end
   return (count.approx and "~" or "") .. s
end

--- A count as a range: central value, low, high (parley.count_range). An approximate figure
-- with no range of its own gets +-margin around it ("about 200" is not the integer 200); an
-- open end is infinite.
-- @tparam table count a claim's count
-- @tparam number margin the relative margin around an approximate count (0.1 is 10%)
-- @treturn number best
-- @treturn number low
-- @treturn number high
function kit.range(count, margin)
   if count.exact then return count.exact, count.exact, count.exact end
   local best = count.best
   local low, high = count.low, count.high
   if best and count.approx then
      low = low or math.floor(best * (1 - margin))
      high = high or math.ceil(best * (1 + margin))
   end
   low = low or best or 0
   high = high or best or math.huge
   best = best or (high ~= math.huge and (low + high) / 2 or low)
   return best, low, high
end

--- A number for a message: integral floats without their ".0".
-- @tparam number x
-- @treturn string
function kit.num(x)
   if math.type(x) == "float" and x == math.floor(x) then x = math.tointeger(x) end
   return tostring(x)
end

--- Groups items by keyf(item) (nil: left out), each group in the items' order; returns the
-- groups by key and the keys sorted, so a rule reports in the same order every run.
-- @tparam table items a list
-- @tparam function keyf item -> its group's key (a string or number), or nil
-- @treturn table groups {[key] = {items...}}
-- @treturn table the keys, sorted
function kit.group(items, keyf)
   local groups, order = {}, {}
   for _, item in ipairs(items) do
      local k = keyf(item)
      if k ~= nil then
         local g = groups[k]
         if not g then
            g = {}
            groups[k] = g
            order[#order + 1] = k
         end
         g[#g + 1] = item
      end
   end
   table.sort(order)
   return groups, order
end

-- The one record of several with the very same as_of period that a series keeps: the one
-- that corrects an earlier record (`supersedes`), else the one that is not a part, else, when
-- they all say the same count, any of them (the smallest id is cited). Records that still
-- disagree leave the date out of the series: nil, and on_tie(records) is told.
local function pick(slot, on_tie)
   local function only(keep)
      local out = {}
      for _, r in ipairs(slot) do
         if keep(r) then out[#out + 1] = r end
      end
      if #out > 0 then slot = out end
   end
   only(function(r) return r.supersedes ~= nil end)
   only(function(r) return not r.part end)
   local first = slot[1]
   for _, r in ipairs(slot) do
      if r.id < first.id then first = r end
   end
   for _, r in ipairs(slot) do
      local a, b = r.count or {}, first.count or {}
      if a.exact ~= b.exact or a.best ~= b.best or a.low ~= b.low or a.high ~= b.high or r.value ~= first.value then
         if on_tie then on_tie(slot) end
         return nil
      end
   end
   return first
end

--- The records (in as_of order) each certainly after the one kept before it: a series whose
-- order is known. A record whose as_of_period can overlap the last one kept is left out;
-- records with the very same period are one date of the series: the one that corrects an
-- earlier record (`supersedes`), else the one that is not a part (kit.breakdowns), else, when
-- they all say the same count, any of them (the smallest id is cited); never by id order.
-- @tparam table records a list of records with as_of_period, in as_of order
-- @tparam[opt] function on_tie called with the records of a date that still disagree (the
-- date is left out of the series)
-- @treturn table the series
function kit.series(records, on_tie)
   local slots, by_period = {}, {}
   for _, r in ipairs(records) do
      local p = r.as_of_period
      local key = p.first .. "/" .. p.last
      local slot = by_period[key]
      if not slot then
         slot = { first = p.first, last = p.last }
         by_period[key] = slot
         slots[#slots + 1] = slot
      end
      slot[#slot + 1] = r
   end
   table.sort(slots, function(a, b)
      if a.first ~= b.first then return a.first < b.first end
      return a.last < b.last
   end)
   local series = {}
   for _, slot in ipairs(slots) do
      local r = #slot == 1 and slot[1] or pick(slot, on_tie)
      if r and (#series == 0 or dates.before(series[#series].as_of_period, r.as_of_period)) then
         series[#series + 1] = r
      end
   end
   return series
end

------------------------------------------------------------------------------ like with like

local default_vocabulary
local NO_SCOPE = {}

--- The vocabulary canonical forms are computed with when a record carries none and the rule
-- gives none: parley.terms' default. (The readers hand every claim and list its `canonical`,
-- made with the store's vocabulary; a rule reading rows with plain SQL passes
-- ctx.db:vocabulary() to kit.canonical.)
-- @treturn table a parley.terms vocabulary
function kit.vocabulary()
   default_vocabulary = default_vocabulary or terms.vocabulary()
   return default_vocabulary
end

--- A claim's or list's canonical forms: {subject =, kind = "stock"|"event", scope = {sorted
-- canonical tags}} (an empty scope when it states none). The record's own `canonical` when
-- the reader gave one, else computed once with `vocabulary` (default: kit.vocabulary()) and
-- kept on the record. The tables may be shared between records: read them, do not change them.
-- @tparam table r a claim or list (a record, or a row with subject and a decoded scope)
-- @tparam[opt] table vocabulary a parley.terms vocabulary (ctx.db:vocabulary())
-- @treturn table {subject =, kind =, scope =}
function kit.canonical(r, vocabulary)
   local k = r.canonical
   if k and k.scope then return k end
   if k then
      k = { subject = k.subject, kind = k.kind, scope = NO_SCOPE, region = k.region }
   else
      local v = vocabulary or kit.vocabulary()
      local subject, kind
      if r.subject ~= nil then subject, kind = v:canonical_subject(r.subject) end
      k = { subject = subject, kind = kind, scope = v:canonical_scope(r.scope) or NO_SCOPE,
         region = v:canonical_place(r.region) }
   end
   r.canonical = k
   return k
end

--- The canonical scope tags of a record, sorted (empty when it states none).
-- @tparam table r a claim or list
-- @treturn table the tags (read it, do not change it)
function kit.scope_of(r) return kit.canonical(r).scope end

--- The key of a record's canonical scope set: "" when it states none.
-- @tparam table r a claim or list
-- @treturn string
function kit.scope_key(r) return table.concat(kit.canonical(r).scope, "\0") end

--- A scope as words for a message: "soldiers, civilians", or "no scope stated".
-- @tparam table scope a list of tags (or nil)
-- @treturn string
function kit.scope_words(scope)
   if not scope or #scope == 0 then return "no scope stated" end
   return table.concat(scope, ", ")
end

local function set_of(list)
   local set = {}
   for _, t in ipairs(list) do set[t] = true end
   return set
end

--- Whether scope list a is a strict subset of b (canonical tags; an empty a never is: a count
-- stating no scope is not a part of anything by the subset reading).
-- @tparam table a a list of tags
-- @tparam table b a list of tags
-- @treturn boolean
function kit.strict_subset(a, b)
   if #a == 0 or #a >= #b then return false end
   local in_b = set_of(b)
   for _, t in ipairs(a) do
      if not in_b[t] then return false end
   end
   return true
end
local strict_subset = kit.strict_subset

--- Whether two scopes share a tag.
-- @tparam table a a list of tags
-- @tparam table b a list of tags
-- @treturn boolean
function kit.scopes_overlap(a, b)
   local in_b = set_of(b)
   for _, t in ipairs(a) do
      if in_b[t] then return true end
   end
   return false
end

--- The key of the thing a count is about: canonical subject, holder, about and region (its
-- declared place: a variant is its place), and the direction (from, to) of an account of an
-- exchange.
-- @tparam table c a claim
-- @treturn string
function kit.count_key(c)
   local k = kit.canonical(c)
   local key = table.concat({ k.subject, c.holder or "", c.about or "", k.region or c.region or "" }, "\0")
   if c.from or c.to then key = key .. "\0>" .. (c.from or "") .. ">" .. (c.to or "") end
   return key
end

--- The sources a claim, list or exchange names: its `sources`, or its one `source`.
-- @tparam table r a record, or a row of its table as SQL gives it (source, and sources as the
-- JSON text the store keeps: a rule selects both columns and this reads either)
-- @treturn table the source ids (empty when it names none)
function kit.sources_of(r)
   local list = r.sources
   if type(list) == "string" then list = json.decode(list) end
   if list then return list end
   return { r.source }
end

--- The statement a source relays: follows `via` (and an `origin` naming a source of the
-- store) to the source that relays nothing, or to an `origin` that is no source of the store.
-- Two sources with one origin are one statement, however many publish it.
-- @tparam table sources the store's sources by id
-- @tparam string id a source id
-- @treturn string the origin's id
-- @treturn table the relays passed on the way, in order: {{source =, via =}, ...}
function kit.origin(sources, id)
   local chain, at, seen = {}, id, {}
   while true do
      local s = sources[at]
      local nxt = s and (s.via or s.origin)
      if not nxt or seen[at] then return at, chain end
      seen[at] = true
      chain[#chain + 1] = { source = at, via = nxt }
      at = nxt
   end
end

--- The regions a mine map is of, as declared places (a variant is its place), sorted: its
-- `regions`, or its one `region`.
-- @tparam table m a mine map
-- @tparam[opt] table vocabulary a parley.terms vocabulary (ctx.db:vocabulary())
-- @treturn table the regions
function kit.regions_of(m, vocabulary)
   local v = vocabulary or kit.vocabulary()
   local out, seen = {}, {}
   for _, r in ipairs(m.regions or { m.region }) do
      local p = v:canonical_place(r)
      if not seen[p] then
         seen[p] = true
         out[#out + 1] = p
      end
   end
   table.sort(out)
   return out
end

--- The key of a stock series: one claimant on one (subject, holder, about, region, canonical
-- scope set).
-- @tparam table c a claim
-- @treturn string
function kit.series_key(c)
   return table.concat({ c.claimant, kit.count_key(c), kit.scope_key(c) }, "\1")
end

--- Marks the breakdowns among count claims (current ones, as the rule reads them):
--   a claim with `part_of` naming a claim among them is a part of it;
--   else a claim whose canonical scope is a strict subset of another's by the same claimant,
--   subject, holder, about and region with the very same as_of period is a part of it (the
--   smallest such scopes: {civilians} is a part of {soldiers, civilians} rather than of
--   {soldiers, civilians, women} when all three are given).
-- Sets c.part (true) and c.wholes (the claims it is a part of) on each part, c.whole when it
-- is a part of exactly one, and w.parts (in the claims' order) on each whole. A total and its
-- parts are one statement: rules compare a part only with what has its very scope.
-- @tparam table claims a list of claims with as_of_period (their marks are reset first)
function kit.breakdowns(claims)
   local by_id, groups, order = {}, {}, {}
   for _, c in ipairs(claims) do
      by_id[c.id] = c
      c.part, c.whole, c.wholes, c.parts = nil, nil, nil, nil
   end
   local function link(c, w)
      c.part = true
      c.wholes = c.wholes or {}
      c.wholes[#c.wholes + 1] = w
      w.parts = w.parts or {}
      w.parts[#w.parts + 1] = c
   end
   for _, c in ipairs(claims) do
      local w = c.part_of and by_id[c.part_of]
      if w and w ~= c then link(c, w) end
      -- every claim may be a whole by the subset reading; only one without part_of a part
      if c.as_of_period then
         local key = table.concat({ c.claimant, kit.count_key(c), c.as_of_period.first or "",
            c.as_of_period.last or "" }, "\1")
         local g = groups[key]
         if not g then
            g = {}
            groups[key] = g
            order[#order + 1] = g
         end
         g[#g + 1] = c
      end
   end
   -- The subset reading works on a group's distinct scope sets, not on its claims pairwise: a
   -- group (one claimant's counts of one thing on one date) can hold thousands of claims but
   -- few scope sets, and the wholes of a claim depend on its scope set alone. Each set's wholes
   -- are the claims of the smallest strict supersets among the group's sets, in the group's
   -- order, as taking every claim of the group in turn gives them.
   for _, g in ipairs(order) do
      local sets, by_key, members = {}, {}, {}
      for i, c in ipairs(g) do
         local scope = kit.scope_of(c)
         -- a key that tells every list of tags apart (scope_key joins with "\0", which a tag
         -- could hold)
         local parts = {}
         for k, t in ipairs(scope) do parts[k] = #t .. ":" .. t end
         local key = table.concat(parts, ",")
         local set = by_key[key]
         if not set then
            set = { scope = scope, claims = {} }
            by_key[key] = set
            sets[#sets + 1] = set
         end
         set.claims[#set.claims + 1] = i
         members[i] = set
      end
      for _, set in ipairs(sets) do
         local best, supersets = nil, {}
         for _, other in ipairs(sets) do
            if strict_subset(set.scope, other.scope) then
               local n = #other.scope
               if not best or n < best then best = n end
               supersets[#supersets + 1] = other
            end
         end
         if best then
            local wholes = {}
            for _, other in ipairs(supersets) do
               if #other.scope == best then
                  for _, i in ipairs(other.claims) do wholes[#wholes + 1] = i end
               end
            end
            table.sort(wholes)
            for k, i in ipairs(wholes) do wholes[k] = g[i] end
            set.wholes = wholes
         end
      end
      for i, c in ipairs(g) do
         -- a claim with part_of is a part of that claim only
         local wholes = not c.part_of and members[i].wholes
         if wholes then
            for _, w in ipairs(wholes) do link(c, w) end
         end
      end
   end
   local position = {}
   for i, c in ipairs(claims) do
      position[c] = i
      if c.wholes and #c.wholes == 1 then c.whole = c.wholes[1] end
   end
   for _, c in ipairs(claims) do
      if c.parts then table.sort(c.parts, function(x, y) return position[x] < position[y] end) end
   end
end

--- Whether a part says nothing its whole does not: no scope of its own, or its whole's. Such a
-- part (only `part_of` makes one) belongs to no series and is compared with nothing.
-- @tparam table c a claim marked by kit.breakdowns
-- @treturn boolean
function kit.unscoped_part(c)
   if not c.part then return false end
   local key = kit.scope_key(c)
   if key == "" then return true end
   for _, w in ipairs(c.wholes) do
      if kit.scope_key(w) == key then return true end
   end
   return false
end

-- A sparse table over a pool's items (positions 1..m, values v) for the highest value of a
-- range whose claimant is not a given one: each range of 2^L positions from p keeps top[L][p],
-- its highest position, and second[L][p], the highest of a claimant other than top's (nil when
-- there is none): of two halves' tops and seconds, the union's second is the other half's top
-- when its claimant is not the union top's, else that half's second, or this half's second.
local function sparse(m, v, claimant)
   local top, second = { {} }, { {} }
   for p = 1, m do top[1][p] = p end
   local function combine(t1, s1, t2, s2)
      local t, x, y = t1, s1
      if v[t2] > v[t1] then
         t, x = t2, s2
         if claimant[t1] ~= claimant[t2] then y = t1 else y = s1 end
      elseif claimant[t2] ~= claimant[t1] then
         y = t2
      else
         y = s2
      end
      if x and y then
         if v[y] > v[x] then x = y end
      else
         x = x or y
      end
      return t, x
   end
   local width, level = 1, 1
   while 2 * width <= m do
      local t0, s0, t1, s1 = top[level], second[level], {}, {}
      for p = 1, m - 2 * width + 1 do
         t1[p], s1[p] = combine(t0[p], s0[p], t0[p + width], s0[p + width])
      end
      level, width = level + 1, 2 * width
      top[level], second[level] = t1, s1
   end
   -- the highest position in l..r (l <= r) of a claimant other than who
   return function(l, r, who)
      local lv, w = 1, 1
      while 2 * w <= r - l + 1 do lv, w = lv + 1, 2 * w end
      local t, s = combine(top[lv][l], second[lv][l], top[lv][r - w + 1], second[lv][r - w + 1])
      if claimant[t] ~= who then return t end
      return s
   end
end

-- The first position of a sorted list whose value is above v (#list + 1 when none is).
local function above(list, v)
   local lo, hi = 1, #list + 1
   while lo < hi do
      local mid = (lo + hi) // 2
      if list[mid] > v then hi = mid else lo = mid + 1 end
   end
   return lo
end

-- Appends to found (as i * stride + j) every item j of the pool after group index i and up to
-- group index k whose claimant is not who and whose value is far from x: the highest (then
-- the lowest) of a range that is not far means none of it is on that side of x, else it is
-- found and the range on each side of it searched, so a search costs what it finds.
local function search(pool, i, k, who, x, far, found, stride)
   local l, r = above(pool.index, i), above(pool.index, k) - 1
   if l > r then return end
   if not pool.highest then
      -- the lowest: the highest of the values negated, which orders them exactly in reverse
      local negated = {}
      for q = 1, #pool.value do negated[q] = -pool.value[q] end
      pool.highest = sparse(#pool.index, pool.value, pool.claimant)
      pool.lowest = sparse(#pool.index, negated, pool.claimant)
   end
   local value, index = pool.value, pool.index
   for side = 1, 2 do
      local find = side == 1 and pool.highest or pool.lowest
      local stack, n = { l, r }, 2
      while n > 0 do
         local lo, hi = stack[n - 1], stack[n]
         n = n - 2
         local q = lo <= hi and find(lo, hi, who)
         -- the values equal to x are the highest search's
         if q and (side == 1 and value[q] >= x or side == 2 and value[q] < x) and far(x, value[q]) then
            found[#found + 1] = i * stride + index[q]
            stack[n + 1], stack[n + 2], stack[n + 3], stack[n + 4] = lo, q - 1, q + 1, hi
            n = n + 4
         end
      end
   end
end

--- The pairs of a group that a walk in as_of order compares and whose values are far apart,
-- found without walking it. The walk takes each item i with the later items j until one
-- begins after i's last day, of a claimant other than i's; far_pairs gives those of them in a
-- pool that `pools_for(items[i])` names and with `far(value(items[i]), value(items[j]))`, in
-- the walk's order, in n log n plus the pairs it gives, where the walk is quadratic in a
-- group of thousands of items of one period (issue 17). far(x, y) must be monotone in y on
-- each side of x: when far(x, y) and y <= z <= x, or x <= z <= y, far(x, z) is too (a gap that
-- is a ratio or a difference is). The pools that pools_for names for an item must not share
-- an item, else a pair is given twice.
-- @tparam table items the group, in as_of order (of the first day of as_of_period)
-- @tparam function value item -> its value (a number, not NaN)
-- @tparam function far (x, y) -> whether values x and y are far apart
-- @tparam function pools_of item -> the names of the pools it is in (a list, maybe empty)
-- @tparam function pools_for (item, names) -> the names of the pools whose items it is
-- compared with (names: every pool's, in the order first met)
-- @tparam[opt=8] number short the walk's length, in pairs an item, up to which it is the
-- cheaper: then nil is returned
-- @treturn table|nil the pairs, {{i, j}, ...} sorted; nil when the items are not in as_of
-- order or the walk is short: walk them then
function kit.far_pairs(items, value, far, pools_of, pools_for, short)
   local n, firsts = #items, {}
   for i, c in ipairs(items) do
      firsts[i] = c.as_of_period.first
      if i > 1 and firsts[i] < firsts[i - 1] then return nil end
   end
   -- each item's reach: the last item that begins by its last day
   local reach, walk = {}, 0
   for i, c in ipairs(items) do
      reach[i] = above(firsts, c.as_of_period.last) - 1
      if reach[i] > i then walk = walk + reach[i] - i end
   end
   if walk <= (short or 8) * n then return nil end
   local pools, names, values = {}, {}, {}
   for i, c in ipairs(items) do
      values[i] = value(c)
      for _, name in ipairs(pools_of(c)) do
         local pool = pools[name]
         if not pool then
            pool = { index = {}, value = {}, claimant = {} }
            pools[name] = pool
            names[#names + 1] = name
         end
         local m = #pool.index + 1
         pool.index[m], pool.value[m], pool.claimant[m] = i, values[i], c.claimant
      end
   end
   local found, stride = {}, n + 1
   for i, c in ipairs(items) do
      for _, name in ipairs(pools_for(c, names)) do
         local pool = pools[name]
         if pool then search(pool, i, reach[i], c.claimant, values[i], far, found, stride) end
      end
   end
   table.sort(found)
   for k, f in ipairs(found) do found[k] = { f // stride, f % stride } end
   return found
end

--- Calls visit(i, j) for each two items of a list by different claimants that a walk in as_of
-- order pairs: each item i with the later items j until one begins after i's last day (the
-- later ones cannot overlap it), in that order. When the items are in as_of order (of the
-- first day) a run of i's own claimant's items is skipped at once (each item knows the next
-- of another claimant), so a list of thousands of one claimant's items of one period costs the
-- pairs visited, not its pairs (issue 17); else the walk goes item by item, as it stops at the
-- first that begins too late.
-- @tparam table items records with as_of_period and claimant
-- @tparam function visit (i, j), the items' positions, i < j
function kit.other_claimant_pairs(items, visit)
   local n, sorted = #items, true
   for j = 2, n do
      if items[j].as_of_period.first < items[j - 1].as_of_period.first then sorted = false end
   end
   -- next_other[j]: the first item after j of a claimant other than j's
   local next_other = {}
   if sorted then
      local at = n + 1
      for j = n, 1, -1 do
         if j < n and items[j + 1].claimant ~= items[j].claimant then at = j + 1 end
         next_other[j] = at
      end
   end
   for i = 1, n do
      local last, who = items[i].as_of_period.last, items[i].claimant
      local j = i + 1
      while j <= n do
         local b = items[j]
         if b.as_of_period.first > last then break end
         if b.claimant ~= who then
            visit(i, j)
            j = j + 1
         elseif sorted then
            j = next_other[j]
         else
            j = j + 1
         end
      end
   end
end

--- Every record an iterator gives, in a list: `kit.all(ctx.db:claims())`.
-- @tparam function it the iterator
-- @param ... its state, control value and closing value
-- @treturn table the list
-- @raise what the iterator raises
function kit.all(it, ...)
   local out = {}
   for r in it, ... do out[#out + 1] = r end
   return out
end

--- The distinct ids of several lists (nil entries skipped), sorted.
-- @param ... lists of ids
-- @treturn table the ids
function kit.ids(...)
   local seen, out = {}, {}
   for _, list in ipairs({ ... }) do
      for _, id in ipairs(list) do
         if id and not seen[id] then
            seen[id] = true
            out[#out + 1] = id
         end
      end
   end
   table.sort(out)
   return out
end

--- How sure two entries of one resolved person are to be one person (the rules about persons
-- read it so that no finding asserts a fact on a name alone; docs/people.md). Returns an
-- object with `tie(a, b)`: for two entry ids, `"record"` when both name one person record
-- (an entry with `person:`), `"decision"` when a reviewer's `same` decision joins them (or
-- their records), `"birth year"` when both give a birth year (their own or their record's)
-- within a year of each other, else `"name"`; and `open(u)`: whether an uncertain pair of the
-- resolution (`p.uncertain[i]` or `resolution.uncertain[i]`) leaves its two entries possibly
-- one person: their own evidence does not separate them (birth years more than a year apart,
-- two person records, a reviewer's `different` decision), whatever the rest of their clusters
-- says. Also `born(id)`, an entry's birth year or its record's.
-- @tparam table resolution `parley.people.resolution(db)`
-- @tparam[opt] table decisions the decisions in force (`db:identities({current = true})`)
-- @treturn table the tie reader
function kit.identity_ties(resolution, decisions)
   local entries = resolution.entries
   local parent = {}
   local function find(x)
      while parent[x] and parent[x] ~= x do
         parent[x] = parent[parent[x]] or parent[x]
         x = parent[x]
      end
      return x
   end
   local function union(a, b)
      local ra, rb = find(a), find(b)
      if ra ~= rb then parent[rb] = ra end
   end
   -- a person record's id and an entry naming it stand for the record, "rec:ID"
   local function anchor(id)
      local e = entries[id]
      if e and e.kind == "person" then return "rec:" .. id end
      return id
   end
   for id, e in pairs(entries) do
      if e.kind ~= "person" and e.person then
         parent[id] = parent[id] or id
         union("rec:" .. e.person, id)
      end
   end
   for _, d in ipairs(decisions or {}) do
      local refs = d.same or {}
      for i = 2, #refs do
         union(anchor(refs[1]), anchor(refs[i]))
      end
   end
   local function born(id)
      local e = entries[id]
      if not e then return nil end
      if e.born then return e.born end
      local rec = e.person and entries[e.person]
      return rec and rec.born or nil
   end
   local t = { born = born }
   function t.tie(a, b)
      local ra, rb = find(anchor(a)), find(anchor(b))
      if ra == rb then
         local ea, eb = entries[a], entries[b]
         if ea and eb and ea.person and ea.person == eb.person then return "record" end
         if ea and ea.kind == "person" and eb and eb.person == a then return "record" end
         if eb and eb.kind == "person" and ea and ea.person == b then return "record" end
         return "decision"
      end
      local x, y = born(a), born(b)
      if x and y and math.abs(x - y) <= 1 then return "birth year" end
      return "name"
   end
   local apart = {}
   for _, d in ipairs(decisions or {}) do
      local refs = d.different or {}
      for i = 1, #refs do
         for j = 1, #refs do
            if i ~= j then apart[anchor(refs[i]) .. "\0" .. anchor(refs[j])] = true end
         end
      end
   end
   -- two entries' own evidence, not their clusters': a pair held apart because a namesake
   -- elsewhere in one of the clusters has another birth year is still open
   function t.open(u)
      local a, b = u.entry or u.a, u.other_entry or u.b
      if apart[anchor(a) .. "\0" .. anchor(b)] then return false end
      local ea, eb = entries[a], entries[b]
      local ra = ea and (ea.kind == "person" and a or ea.person)
      local rb = eb and (eb.kind == "person" and b or eb.person)
      if ra and rb and ra ~= rb then return false end
      local x, y = born(a), born(b)
      return not (x and y and math.abs(x - y) > 1)
   end
   return t
end

--- A resolved person as findings give them in `details.people` (and reports show): id, every
-- spelling, and the entries behind them (id, name as written, kind, the list or exchange, its
-- claimant or sides, date), at most `max` entries (then `more` says how many were left out).
-- @tparam table p a person of `parley.people.resolution(db).people`
-- @tparam[opt=50] integer max
-- @treturn table the person's details
function kit.person_details(p, max)
   max = max or 50
   local out = { id = p.id, names = {}, entries = {} }
   for i, n in ipairs(p.names or {}) do out.names[i] = n end
   for i, e in ipairs(p.entries or {}) do
      if i > max then
         out.more = #p.entries - max
         break
      end
      out.entries[i] = { id = e.id, name = e.written or (e.names and e.names[1]), kind = e.kind, list = e.list,
         exchange = e.exchange, claimant = e.claimant, holder = e.holder, from = e.from, to = e.to,
         date = e.date_text, born = e.born }
   end
   return out
end

--- How many bytes of JSON the rules' `kit.fit` lists of a finding's details take at most
-- together: the sandbox refuses details over 64 KiB (src/sandbox_finding.c DETAILS_MAX), and
-- this leaves room for the rest of the details.
kit.DETAILS_BUDGET = 48 * 1024

--- A byte budget for the lists in a finding's details: `room.fit(items, describe, max)` gives
-- the list of `describe(item)` for the items in order while the list's JSON (with what the
-- room already holds) stays within `bytes`, and at most `max` of them (nil: any number),
-- then how many items were left out. A rule that lists persons or entries whose number grows
-- with the data fits them so that a finding is never refused for its size, and says it is
-- truncated.
-- @tparam[opt=kit.DETAILS_BUDGET] integer bytes
-- @treturn table the room: `fit`, and `used` (bytes taken so far)
function kit.room(bytes)
   bytes = bytes or kit.DETAILS_BUDGET
   local room = { used = 0 }
   function room.fit(items, describe, max)
      local out = {}
      for i, item in ipairs(items) do
         if max and i > max then break end
         local d = describe(item)
         -- its JSON and the comma (or bracket) around it in the list
         local size = #json.encode(d) + 1
         if room.used + size > bytes then break end
         room.used = room.used + size
         out[#out + 1] = d
      end
      return out, #items - #out
   end
   return room
end

--- Names as keys for "a list may name them", the last resort of the rules about persons when
-- the resolution left an entry out of its person (it keeps each name's best few candidates, so
-- among many namesakes an entry can be left alone): `key(s)`, a name's `parley.names` key with
-- its words sorted (any order, any script; memoised; nil for no name), and `near(a, b)`, whether
-- two such keys have as many words, each equal to its counterpart or within Jaro-Winkler
-- `kit.NEAR_KEY` of it (keys can differ by a letter between scripts: mkrtcian, mkrcian), and
-- `index()`, an index of items by key: `add(key, item)`, and `near(key)`, the items of every
-- key near it, found without comparing with every key added.
-- @treturn table the keyer
function kit.name_keys()
   local names = require "parley.names"
   local keys = {}
   local k = {}
   function k.key(s)
      if type(s) ~= "string" then return nil end
      local v = keys[s]
      if v == nil then
         local ok, key = pcall(names.key, s)
         local words = {}
         for w in (ok and key or ""):gmatch("%S+") do words[#words + 1] = w end
         table.sort(words)
         v = #words > 0 and table.concat(words, " ") or false
         keys[s] = v
      end
      return v or nil
   end
   -- each key's words, split once: a rule compares one key with many (every entry of the
   -- lists it judges), and splitting both each time was most of its work
   local words_of = {}
   local function words(key)
      local ws = words_of[key]
      if not ws then
         ws = {}
         for w in key:gmatch("%S+") do ws[#ws + 1] = w end
         words_of[key] = ws
      end
      return ws
   end
   function k.near(a, b)
      if a == nil or b == nil then return false end
      if a == b then return true end
      local wa, wb = words(a), words(b)
      if #wa ~= #wb then return false end
      for i = 1, #wa do
         if wa[i] ~= wb[i] and names.jaro_winkler(wa[i], wb[i]) < kit.NEAR_KEY then return false end
      end
      return true
   end
   -- An index of items by key for `near`, so that a rule finds the near keys among many
   -- without comparing with each (it did, and at bench scale 1,500 that alone passed the
   -- sandbox's 100M instructions): keys are grouped by their number of words and first word,
   -- and only the groups whose first word is near the key's own (each distinct first word
   -- compared once per query word, memoised) are compared whole.
   function k.index()
      local idx = {}
      local items_of, groups, firsts, memo = {}, {}, {}, {}
      function idx.add(key, item)
         if key == nil then return end
         local list = items_of[key]
         if not list then
            list = {}
            items_of[key] = list
            local ws = words(key)
            local n = #ws
            groups[n] = groups[n] or {}
            local g = groups[n][ws[1]]
            if not g then
               g = {}
               groups[n][ws[1]] = g
               firsts[n] = firsts[n] or {}
               table.insert(firsts[n], ws[1])
               memo = {}
            end
            g[#g + 1] = key
         end
         list[#list + 1] = item
      end
      -- the first words of n-word keys near w
      local function near_firsts(n, w)
         local tag = n .. "\0" .. w
         local out = memo[tag]
         if not out then
            out = {}
            for _, f in ipairs(firsts[n] or {}) do
               if f == w or names.jaro_winkler(f, w) >= kit.NEAR_KEY then out[#out + 1] = f end
            end
            memo[tag] = out
         end
         return out
      end
      -- the items of every key near `key` (`k.near`), in no set order
      function idx.near(key)
         local out = {}
         if key == nil then return out end
         local ws = words(key)
         for _, f in ipairs(near_firsts(#ws, ws[1])) do
            for _, c in ipairs(groups[#ws][f]) do
               if k.near(c, key) then
                  for _, item in ipairs(items_of[c]) do out[#out + 1] = item end
               end
            end
         end
         return out
      end
      return idx
   end
   return k
end

--- How near two words of names' keys are to count as one in `kit.name_keys` (Jaro-Winkler).
kit.NEAR_KEY = 0.92

return kit
