-- SPDX-License-Identifier: MIT
-- parley.dates: dates with their precision, and day arithmetic.
local dates = require "parley.dates"

describe("parley.dates", function()
   it("parses a date with its precision and its first and last possible day", function()
      assert.same({ text = "2021-06", precision = "month", first = "2021-06-01", last = "2021-06-30" },
         dates.parse("2021-06"))
      assert.same({ text = "2024", precision = "year", first = "2024-01-01", last = "2024-12-31" }, dates.parse(2024))
      assert.equal("2024-02-29", dates.parse("2024-02").last)
      assert.equal("range", dates.parse("2020-11/2021-06-11").precision)
      assert.is_nil(dates.parse("2021-02-30"))
      assert.is_nil(dates.parse("2021-06/2021-05"))
   end)

   it("says whether two dates can be the same day, or one is certainly before the other", function()
      assert.is_true(dates.overlap("2021-06", "2021-06-12"))
      assert.is_false(dates.overlap("2021-05", "2021-06-12"))
      assert.is_true(dates.before("2021-05", "2021-06-01"))
      assert.is_false(dates.before("2021-06", "2021-06-12"))
   end)

   it("counts days from 1970-01-01 and back, across leap years and centuries", function()
      assert.equal(0, dates.day_number("1970-01-01"))
      assert.equal(-1, dates.day_number(1969, 12, 31))
      assert.equal(18790, dates.day_number("2021-06-12"))
      assert.equal(dates.day_number("2000-02-28") + 2, dates.day_number("2000-03-01"))
      assert.equal(dates.day_number("1900-02-28") + 1, dates.day_number("1900-03-01"))
      for _, d in ipairs({ "1899-12-31", "1970-01-01", "2000-02-29", "2021-06-12", "2100-03-01" }) do
         assert.equal(d, dates.civil(dates.day_number(d)))
      end
      assert.is_nil(dates.day_number("2021-06"))
   end)
end)
