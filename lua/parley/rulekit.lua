-- SPDX-License-Identifier: MIT

--- Helpers the built-in rules share, and rules of your own may use (require "parley.rulekit"):
-- the ids later records supersede, groups of records, counts as readers say them
-- and as ranges, series in date order, and lists of ids for messages and evidence. Pure Lua
-- over parley.dates, so a sandboxed rule may require it. Dates are not parsed here: every
-- record the typed iterators (ctx.db:claims() and the like) return has X_period for each date
-- field X (the table dates.parse gives), which dates.before and dates.overlap take as it is.
-- @module parley.rulekit
local dates = require "parley.dates"

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

--- The records (in as_of order) each certainly after the one kept before it: a series whose
-- order is known. A record whose as_of_period can overlap the last one kept is left out.
-- @tparam table records a list of records with as_of_period, in as_of order
-- @treturn table the series
function kit.series(records)
   local series = {}
   for _, r in ipairs(records) do
      if #series == 0 or dates.before(series[#series].as_of_period, r.as_of_period) then series[#series + 1] = r end
   end
   return series
end

--- The key of the thing a count is about: subject, holder, about and region.
-- @tparam table c a claim
-- @treturn string
function kit.count_key(c)
   return table.concat({ c.subject, c.holder or "", c.about or "", c.region or "" }, "\0")
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

return kit
