-- SPDX-License-Identifier: MIT
-- from and to filters at any precision: the records whose date can fall within the filter's
-- period, the way the rules read dates (parley.dates), for claims, lists and exchanges.
local parley = require "parley"

local function ids(...)
   local out = {}
   for r in ... do out[#out + 1] = r.id end
   table.sort(out)
   return out
end

local PARTIES = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" } }

local function exchange(id, date)
   return { id = id, date = date, transfers = { { from = "AZE", to = "ARM", detainees = { count = 1 } } } }
end

local function claim(id, as_of)
   return { id = id, claimant = "ARM", source = "s", as_of = as_of, subject = "detainees", count = { exact = 1 } }
end

local function list(id, as_of)
   return { id = id, claimant = "ARM", as_of = as_of, subject = "detainees", persons = { { name = "A B" } } }
end

describe("date filters", function()
   local db
   before_each(function()
      db = assert(parley.open(":memory:"))
      assert(db:import({
         parties = PARTIES, sources = { { id = "s", title = "S" } },
         -- a day, another day of the month, a month, a year, an interval, and days outside December 2020
         exchanges = { exchange("x-day", "2020-12-14"), exchange("x-day2", "2020-12-30"),
            exchange("x-month", "2020-12"),
            exchange("x-year", "2020"), exchange("x-range", "2020-11/2021-01"), exchange("x-nov", "2020-11-20"),
            exchange("x-2021", "2021-01-09"), exchange("x-2019", "2019") },
         claims = { claim("c-day", "2020-12-14"), claim("c-month", "2020-12"), claim("c-year", "2020"),
            claim("c-nov", "2020-11-30"), claim("c-2021", "2021-01") },
         lists = { list("l-day", "2020-12-01"), list("l-month", "2020-11"), list("l-year", "2021") },
      }))
   end)
   after_each(function() db:close() end)

   it("a month filter keeps the days, the month, the year and the intervals that can fall in it", function()
      assert.same({ "x-day", "x-day2", "x-month", "x-range", "x-year" },
         ids(db:exchanges({ from = "2020-12", to = "2020-12" })))
      assert.same({ "c-day", "c-month", "c-year" }, ids(db:claims({ from = "2020-12", to = "2020-12" })))
      assert.same({ "l-day" }, ids(db:lists({ from = "2020-12", to = "2020-12" })))
   end)

   it("a year filter keeps everything that can be in that year", function()
      assert.same({ "x-day", "x-day2", "x-month", "x-nov", "x-range", "x-year" },
         ids(db:exchanges({ from = "2020", to = "2020" })))
      assert.same({ "x-2021", "x-day", "x-day2", "x-month", "x-nov", "x-range", "x-year" },
         ids(db:exchanges({ from = 2020 })))
      assert.same({ "c-2021" }, ids(db:claims({ from = "2021" })))
      assert.same({ "c-day", "c-month", "c-nov", "c-year" }, ids(db:claims({ to = 2020 })))
      assert.same({ "l-day", "l-month" }, ids(db:lists({ from = 2020, to = 2020 })))
      assert.same({ "l-year" }, ids(db:lists({ from = "2021", to = 2021 })))
   end)

   it("a day filter keeps that day and the periods that contain it", function()
      assert.same({ "x-day", "x-month", "x-range", "x-year" },
         ids(db:exchanges({ from = "2020-12-14", to = "2020-12-14" })))
      assert.same({ "c-nov", "c-year" }, ids(db:claims({ from = "2020-11-30", to = "2020-11-30" })))
      assert.same({ "x-2019", "x-nov", "x-range", "x-year" }, ids(db:exchanges({ to = "2020-11-20" })))
   end)

   it("an interval filter is the period from its first day to its last", function()
      assert.same({ "x-2021", "x-range" }, ids(db:exchanges({ from = "2021-01-01/2021-03" })))
      assert.same({ "x-2019", "x-day", "x-month", "x-nov", "x-range", "x-year" },
         ids(db:exchanges({ to = "2020-11/2020-12-20" })))
   end)

   it("takes a period a reader gave, so a rule can ask for what can fall in a record's date", function()
      local month = db:claims({ id = "c-month" })().as_of_period
      assert.same({ "c-day", "c-month", "c-year" }, ids(db:claims({ from = month, to = month })))
   end)

   it("a malformed filter date raises, naming the accepted forms", function()
      for _, call in ipairs({
         function() return db:exchanges({ from = "12/06/2021" }) end,
         function() return db:claims({ to = "2020-13" }) end,
         function() return db:lists({ from = true }) end,
      }) do
         local ok, err = pcall(call)
         assert.is_false(ok)
         assert.matches("bad argument #1 to '%a+' %(filter %a+: ", err)
      end
      local _, err = pcall(db.exchanges, db, { from = "12/06/2021" })
      assert.matches("malformed date \"12/06/2021\": write YYYY, YYYY%-MM, YYYY%-MM%-DD or FIRST/LAST " ..
         "%(ambiguous: 12 June or 6 December%)", err)
      _, err = pcall(db.claims, db, { to = "2020-13" })
      assert.matches("filter to: date \"2020%-13\" has no month 13", err)
      _, err = pcall(db.lists, db, { from = true })
      assert.matches("expected a date %(YYYY, YYYY%-MM, YYYY%-MM%-DD or FIRST/LAST%)", err)
   end)
end)
