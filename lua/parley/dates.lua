-- SPDX-License-Identifier: MIT
-- Dates with their precision, as the field records them: "2021" is a year, "2021-06" a month
-- (not 1 June), "2021-06-12" a day, and "2020-11/2021-06-11" an interval when only the
-- earliest and latest possible dates are known. Rules use these helpers to ask whether two
-- dates can be the same day. No dependencies, so rules may require it.

local dates = {}

local DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function days_in(year, month)
   if month == 2 and (year % 4 == 0 and (year % 100 ~= 0 or year % 400 == 0)) then return 29 end
   return DAYS[month]
end

local MONTHS = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
   "November", "December" }

-- What a day written D/M/YYYY or M/D/YYYY (or with dots or dashes) most likely is: both
-- readings when both are dates ("12/06/2021": 12 June or 6 December), else the one that is.
local function day_month_hint(v)
   local a, b, y = v:match("^(%d%d?)[/.%-](%d%d?)[/.%-](%d%d%d%d)$")
   if not a then return "" end
   a, b, y = tonumber(a), tonumber(b), tonumber(y)
   local function valid(day, month) return month >= 1 and month <= 12 and day >= 1 and day <= days_in(y, month) end
   local dm, md = valid(a, b), valid(b, a)
   if dm and md and a ~= b then
      return string.format(" (ambiguous: %d %s or %d %s)", a, MONTHS[b], b, MONTHS[a])
   elseif dm then
      return string.format(" (did you mean %04d-%02d-%02d?)", y, b, a)
   elseif md then
      return string.format(" (did you mean %04d-%02d-%02d?)", y, a, b)
   end
   return ""
end

-- One calendar date: "2021", "2021-06" or "2021-06-12".
local function parse_one(v, whole)
   local y, m, d = v:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
   if not y then y, m = v:match("^(%d%d%d%d)%-(%d%d)$") end
   if not y then y = v:match("^(%d%d%d%d)$") end
   if not y then
      return nil, string.format("malformed date %q: write YYYY, YYYY-MM, YYYY-MM-DD or FIRST/LAST%s", whole or v,
         day_month_hint(whole or v))
   end
   local year, month, day = tonumber(y), tonumber(m), tonumber(d)
   if month and (month < 1 or month > 12) then return nil, string.format("date %q has no month %d", v, month) end
   if day and (day < 1 or day > days_in(year, month)) then
      return nil, string.format("date %q has no day %d", v, day)
   end
   if day then
      return { text = v, precision = "day", first = v, last = v }
   elseif month then
      return { text = v, precision = "month", first = string.format("%s-%s-01", y, m),
         last = string.format("%s-%s-%02d", y, m, days_in(year, month)) }
   end
   return { text = v, precision = "year", first = y .. "-01-01", last = y .. "-12-31" }
end

-- Parses a date (an integer year is taken as "2021"). Returns {text, precision, first, last}
-- with first and last the earliest and latest possible day (YYYY-MM-DD), or nil and why.
function dates.parse(v)
   if math.type(v) == "integer" then v = string.format("%d", v) end
   if type(v) ~= "string" then
      return nil, "expected a date (YYYY, YYYY-MM, YYYY-MM-DD or FIRST/LAST)"
   end
   local a, b = v:match("^([^/]+)/([^/]+)$")
   if not a then return parse_one(v) end
   if v:find("^%d%d?/%d%d?/") then return parse_one(v, v) end -- 12/06/2021 is not an interval
   local first, err = parse_one(a)
   if not first then return nil, err end
   local last, err2 = parse_one(b)
   if not last then return nil, err2 end
   if first.first > last.last then
      return nil, string.format("date range %q ends before it begins", v)
   end
   return { text = v, precision = "range", first = first.first, last = last.last }
end

-- Days since 1970-01-01 of a day, given as "YYYY-MM-DD" or as year, month, day (Howard
-- Hinnant's days-from-civil). nil for a string that is not a day.
function dates.day_number(y, m, d)
   if type(y) == "string" then
      local ys, ms, ds = y:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
      if not ys then return nil end
      y, m, d = tonumber(ys), tonumber(ms), tonumber(ds)
   end
   if m <= 2 then y = y - 1 end
   local era = (y >= 0 and y or y - 399) // 400
   local yoe = y - era * 400
   local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
   return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

-- The "YYYY-MM-DD" of a day number (its inverse, civil-from-days).
function dates.civil(z)
   z = z + 719468
   local era = z // 146097
   local doe = z - era * 146097
   local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
   local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
   local mp = (5 * doy + 2) // 153
   local d = doy - (153 * mp + 2) // 5 + 1
   local m = mp < 10 and mp + 3 or mp - 9
   return string.format("%04d-%02d-%02d", yoe + era * 400 + (m <= 2 and 1 or 0), m, d)
end

local function as_date(v)
   if type(v) == "table" then return v end
   return assert(dates.parse(v))
end

-- Can the two dates be the same day?
function dates.overlap(a, b)
   a, b = as_date(a), as_date(b)
   return a.first <= b.last and b.first <= a.last
end

-- Is a certainly before b (every day a can mean is before every day b can mean)?
function dates.before(a, b)
   a, b = as_date(a), as_date(b)
   return a.last < b.first
end

return dates
